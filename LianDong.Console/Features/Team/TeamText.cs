using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Team;

/// <summary>
/// The team tree's words: TeamText.resx (Chinese, the default) and TeamText.en.resx (English). Components use
/// <c>IStringLocalizer&lt;TeamText&gt;</c>; the service uses <see cref="Get"/> and <see cref="Format"/>.
/// </summary>
public sealed class TeamText
{
    private static readonly ResourceManager Strings = new(typeof(TeamText).FullName!, typeof(TeamText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
