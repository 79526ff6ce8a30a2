using LianDong.Console.Localization;

namespace LianDong.Console.Features.Members;

/// <summary>
/// The member pages' words: MembersText.resx (Chinese, the default) and MembersText.en.resx (English). Components use
/// <c>IStringLocalizer&lt;MembersText&gt;</c>; the service and the ledger export use <c>Get</c> and <c>Format</c>.
/// </summary>
public sealed class MembersText : FeatureText<MembersText>;
