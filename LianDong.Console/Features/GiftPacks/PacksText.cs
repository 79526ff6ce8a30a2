using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.GiftPacks;

/// <summary>The gift-pack pages' words (PacksText.resx Chinese, PacksText.en.resx English); compliance messages come from RulesText.</summary>
public sealed class PacksText
{
    private static readonly ResourceManager Strings = new(typeof(PacksText).FullName!, typeof(PacksText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
