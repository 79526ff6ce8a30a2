using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Members;

/// <summary>
/// The member pages' words: MembersText.resx (Chinese, the default) and MembersText.en.resx (English). Components use
/// <c>IStringLocalizer&lt;MembersText&gt;</c>; the service and the ledger export use <see cref="Get"/> and <see cref="Format"/>.
/// </summary>
public sealed class MembersText
{
    private static readonly ResourceManager Strings = new(typeof(MembersText).FullName!, typeof(MembersText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);
}
