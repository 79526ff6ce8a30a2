using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Merchants;

/// <summary>The merchant pages' words (MerchantsText.resx Chinese, MerchantsText.en.resx English).</summary>
public sealed class MerchantsText
{
    private static readonly ResourceManager Strings = new(typeof(MerchantsText).FullName!, typeof(MerchantsText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
