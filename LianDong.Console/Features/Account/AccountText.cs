using LianDong.Console.Localization;
using System.Globalization;

namespace LianDong.Console.Features.Account;

/// <summary>
/// The sign-in and password pages' words (AccountText.resx, Chinese; AccountText.en.resx, English). The static properties
/// serve the forms' validation attributes (ErrorMessageResourceType), which read them in the request's language.
/// </summary>
public sealed class AccountText : FeatureText<AccountText>
{
    public static string EmailRequired => Get("Login.EmailRequired");
    public static string EmailInvalid => Get("Login.EmailInvalid");
    public static string PasswordRequired => Get("Login.PasswordRequired");
    public static string CurrentRequired => Get("Password.CurrentRequired");
    public static string NewRequired => Get("Password.NewRequired");
    public static string Mismatch => Get("Password.Mismatch");
}
