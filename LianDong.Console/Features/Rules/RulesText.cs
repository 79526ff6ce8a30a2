using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Rules;

/// <summary>
/// The rules page's words (RulesText.resx Chinese, RulesText.en.resx English); also the words of compliance messages
/// wherever the console shows them (the pack form too), through <see cref="RuleWords"/>.
/// </summary>
public sealed class RulesText
{
    private static readonly ResourceManager Strings = new(typeof(RulesText).FullName!, typeof(RulesText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
