using LianDong.Console.Localization;
using System.Globalization;

namespace LianDong.Console.Features.Payouts;

/// <summary>
/// The payouts pages' words: PayoutsText.resx (Chinese, the default) and PayoutsText.en.resx. Components read them through
/// <c>IStringLocalizer&lt;PayoutsText&gt;</c>; the page service and <see cref="PayoutMessages"/> through <c>Get</c>.
/// </summary>
public sealed class PayoutsText : FeatureText<PayoutsText>
{
    /// <summary>Payment lines counted: "1 line", "2 lines", "2 笔".</summary>
    public static string Lines(long n) => Format(n == 1 ? "Lines.One" : "Lines.Other", n.ToString("N0", CultureInfo.InvariantCulture));
}
