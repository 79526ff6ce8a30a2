using LianDong.Console.Localization;
using System.Globalization;

namespace LianDong.Console.Features.SupportFund;

/// <summary>
/// The support fund page's words: SupportFundText.resx (Chinese, the default) and SupportFundText.en.resx. Components
/// read them through <c>IStringLocalizer&lt;SupportFundText&gt;</c>; the page service through <c>Get</c>.
/// </summary>
public sealed class SupportFundText : FeatureText<SupportFundText>;
