using System.Globalization;
using System.Resources;

namespace LianDong.Console.Features.Account;

/// <summary>
/// The sign-in and password pages' words (AccountText.resx, Chinese; AccountText.en.resx, English). The static properties
/// serve the forms' validation attributes (ErrorMessageResourceType), which read them in the request's language.
/// </summary>
public sealed class AccountText
{
    private static readonly ResourceManager Strings = new(typeof(AccountText).FullName!, typeof(AccountText).Assembly);

    public static string Get(string key) => Strings.GetString(key, CultureInfo.CurrentUICulture) ?? key;

    public static string Format(string key, params object?[] args) => string.Format(CultureInfo.CurrentUICulture, Get(key), args);

    public static string EmailRequired => Get("Login.EmailRequired");
    public static string EmailInvalid => Get("Login.EmailInvalid");
    public static string PasswordRequired => Get("Login.PasswordRequired");
    public static string CurrentRequired => Get("Password.CurrentRequired");
    public static string NewRequired => Get("Password.NewRequired");
    public static string Mismatch => Get("Password.Mismatch");
}
