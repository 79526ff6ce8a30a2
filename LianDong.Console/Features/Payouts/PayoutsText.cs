using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Payouts;

/// <summary>
/// The payouts pages' words: PayoutsText.resx (Chinese, the default) and PayoutsText.en.resx. Components read them through
/// <c>IStringLocalizer&lt;PayoutsText&gt;</c>; the page service and <see cref="PayoutMessages"/> through <see cref="Get"/>.
/// </summary>
public sealed class PayoutsText
{
    private static readonly ResourceManager Strings = new(typeof(PayoutsText).FullName!, typeof(PayoutsText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);

    /// <summary>Payment lines counted: "1 line", "2 lines", "2 笔".</summary>
    public static string Lines(long n) => Format(n == 1 ? "Lines.One" : "Lines.Other", n.ToString("N0", CultureInfo.InvariantCulture));
}
