using System.Globalization;
using LianDong.Console.Localization;
using LianDong.Domain.Identity;

namespace LianDong.Console.Features.Users;

/// <summary>
/// The users page's words and the messages of user administration, Identity's included: UsersText.resx (Chinese, the
/// default) and UsersText.en.resx, read by the service and <see cref="LocalizedIdentityErrorDescriber"/> too.
/// </summary>
public sealed class UsersText : FeatureText<UsersText>
{
    /// <summary>A role's name in the user's language ("平台管理员", "Platform admin").</summary>
    public static string Role(string role) => Find("Role." + role) ?? role;

    /// <summary>Role names in the menu's order, joined as the language joins a list ("平台管理员、财务", "Platform admin, Finance").</summary>
    public static string Roles(IEnumerable<string> roles)
    {
        var names = roles.OrderBy(r => AppRoles.All.Contains(r) ? AppRoles.All.TakeWhile(a => a != r).Count() : int.MaxValue).Select(Role).ToList();
        return names.Count == 0 ? Get("None") : string.Join(CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "、" : ", ", names);
    }
}
