using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace LianDong.Console.Localization;

/// <summary>
/// The console's two languages: Chinese (zh-CN) by default, English (en-US) on the user menu's switch. The choice is
/// kept per user (AppUser.Culture) and carried by the standard culture cookie, which the sign-in sets from the user's
/// choice; nothing follows the browser's Accept-Language, so a console opened anywhere starts in Chinese.
/// </summary>
public static class UiCulture
{
    public const string Chinese = "zh-CN";
    public const string English = "en-US";
    public static readonly IReadOnlyList<string> Supported = [Chinese, English];

    /// <summary>A supported culture name, or null for anything else.</summary>
    public static string? Parse(string? name) =>
        Supported.FirstOrDefault(c => string.Equals(c, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static bool IsEnglish => CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.Ordinal);

    public static IServiceCollection AddLianDongLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Chinese).AddSupportedCultures([.. Supported]).AddSupportedUICultures([.. Supported]);
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        return services;
    }

    public static void AppendCookie(HttpResponse response, string culture) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });

    /// <summary>Runs <paramref name="action"/> with both cultures set to <paramref name="culture"/> (tests, exports).</summary>
    public static T In<T>(string culture, Func<T> action)
    {
        var (c, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return action(); }
        finally { (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (c, ui); }
    }
}
