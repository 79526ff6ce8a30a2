using System.Globalization;
using System.Resources;

namespace LianDong.Console.Localization;

/// <summary>
/// A feature's own pair of resource files (Xxx.resx Chinese, Xxx.en.resx English, beside <typeparamref name="TSelf"/>),
/// read the way <see cref="UiText"/> reads its own: <c>sealed class JobsText : FeatureText&lt;JobsText&gt;;</c> gives
/// <c>JobsText.Get(key)</c> for code that is not a component; components inject <c>IStringLocalizer&lt;JobsText&gt;</c>.
/// </summary>
public abstract class FeatureText<TSelf> where TSelf : FeatureText<TSelf>
{
    private static readonly ResourceManager Strings = new(typeof(TSelf).FullName!, typeof(TSelf).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);

    /// <summary>The text for <paramref name="key"/>, or null when the files have none.</summary>
    public static string? Find(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture);

    /// <summary>Whether <paramref name="culture"/>'s own file (not a fallback) has <paramref name="key"/>.</summary>
    public static bool Has(string key, CultureInfo culture) =>
        Strings.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.GetString(key) is not null;
}
