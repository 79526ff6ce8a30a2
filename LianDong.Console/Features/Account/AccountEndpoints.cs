using LianDong.Console.Hosting;
using LianDong.Console.Localization;
using Microsoft.AspNetCore.Mvc;

namespace LianDong.Console.Features.Account;

public static class AccountEndpoints
{
    public const string LanguagePath = "/account/language";
    public const string ThemePath = "/account/theme";

    /// <summary>
    /// Sign-out and the language switch are POSTs from the user menu's forms. Binding a [FromForm] value makes an endpoint
    /// validate the antiforgery token, so another site can neither sign a user out nor switch their language.
    /// </summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(IdentitySetup.LogoutPath, async (AccountService account, [FromForm] string? returnUrl) =>
        {
            await account.SignOutAsync();
            return Results.LocalRedirect(IdentitySetup.LoginPath);
        });

        // The language is the circuit's culture, fixed when the page loads: the switch saves the choice, sets the
        // culture cookie and reloads the page the user was on.
        app.MapPost(LanguagePath, async (HttpContext http, UserPreferences preferences, [FromForm] string? culture, [FromForm] string? returnUrl) =>
        {
            if (UiCulture.Parse(culture) is not { } chosen)
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language",
                    detail: $"culture must be one of {string.Join(", ", UiCulture.Supported)}");
            UiCulture.AppendCookie(http.Response, chosen);
            await preferences.SetCultureAsync(http.User, chosen);
            return Results.LocalRedirect(AccountService.SafeReturnUrl(returnUrl, allowAccountPages: true));
        }).AllowAnonymous(); // the sign-in page has the switch too; a signed-in user's choice is also kept on the account

        app.MapPost(ThemePath, async (HttpContext http, UserPreferences preferences, [FromForm] string? theme, [FromForm] string? returnUrl) =>
        {
            if (!Enum.TryParse<ThemeChoice>(theme, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen) || int.TryParse(theme, out _))
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown theme",
                    detail: "theme must be one of system, light, dark");
            await preferences.SetThemeAsync(http.User, chosen);
            return Results.LocalRedirect(AccountService.SafeReturnUrl(returnUrl));
        });
    }
}
