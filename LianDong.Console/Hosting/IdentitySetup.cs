using LianDong.Console.Features.Users;
using LianDong.Console.Security;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;

namespace LianDong.Console.Hosting;

public static class IdentitySetup
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string AccessDeniedPath = "/account/access-denied";
    public const int MaxFailedAccessAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Identity with cookie sign-in, no self-registration (there is no register page or endpoint),
    /// lockout on the fifth wrong password in a row for 15 minutes, and a password policy of
    /// at least 12 characters with upper case, lower case and a digit.
    /// </summary>
    public static IServiceCollection AddLianDongIdentity(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies(c => c.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = LoginPath;
                o.LogoutPath = LogoutPath;
                o.AccessDeniedPath = AccessDeniedPath;
                o.Cookie.Name = "LianDong.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                // Redirects carry no host: the default ones are absolute, built from the request's Host header.
                o.Events.OnRedirectToLogin = c => RedirectWithoutHost(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => RedirectWithoutHost(c, StatusCodes.Status403Forbidden);
                o.Events.OnRedirectToLogout = c => RedirectWithoutHost(c, null);
                // Signing in on the login path makes the cookie handler copy ?ReturnUrl (decoded: 付款, not %E4%BB%98…)
                // into the Location header as is, and Kestrel answers 500 on non-ASCII there. The login page redirects
                // on its own, through AccountService.SafeReturnUrl, so the handler's redirect is not needed.
                o.Events.OnRedirectToReturnUrl = _ => Task.CompletedTask;
            }));

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.SignIn.RequireConfirmedAccount = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = MaxFailedAccessAttempts;
                o.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                o.Password.RequiredLength = 12;
                o.Password.RequireUppercase = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireDigit = true;
                o.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<LianDongDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            // Password and duplicate-user messages in the user's language.
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>();

        // Cookies are checked against the user's security stamp on every request (not every 30 minutes), so a sign-out,
        // lock, deletion or role change ends a session at once, a saved copy of a signed-out cookie included.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        services.AddScoped<ICurrentUser, CircuitCurrentUser>();
        return services;
    }

    /// <summary>The framework's redirect (an XMLHttpRequest gets the status and a Location header instead), made relative.</summary>
    private static Task RedirectWithoutHost(
        Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> c, int? ajaxStatus)
    {
        var target = Uri.TryCreate(c.RedirectUri, UriKind.Absolute, out var u) ? u.PathAndQuery : c.RedirectUri;
        if (c.Request.Headers.XRequestedWith == "XMLHttpRequest")
        {
            c.Response.Headers.Location = target;
            if (ajaxStatus is { } status) c.Response.StatusCode = status;
        }
        else c.Response.Redirect(target);
        return Task.CompletedTask;
    }
}
