using LianDong.Console.Localization;

namespace LianDong.Console.Features.Team;

/// <summary>
/// The team tree's words: TeamText.resx (Chinese, the default) and TeamText.en.resx (English). Components use
/// <c>IStringLocalizer&lt;TeamText&gt;</c>; the service uses <c>Get</c> and <c>Format</c>.
/// </summary>
public sealed class TeamText : FeatureText<TeamText>;
