using LianDong.Domain.Engine;
using LianDong.Console.Api;
using LianDong.Console.Components;
using LianDong.Console.Features;
using LianDong.Console.Features.Account;
using LianDong.Console.Export;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Jobs;
using LianDong.Console.Settings;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Configuration.Memory;
using MudBlazor.Services;
using LianDong.Console.Localization;

namespace LianDong.Console.Hosting;

/// <summary>Builds the web console. Program.cs, the HTTP test host and the browser tests all go through here.</summary>
public static class WebConsole
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = WebRoot.Resolve(),
            // Named explicitly so a host built from another entry point (the browser tests) still finds
            // LianDong.Console.staticwebassets.runtime.json, which maps MudBlazor's _content/ files.
            ApplicationName = typeof(WebConsole).Assembly.GetName().Name,
        });
        AddDefaults(builder.Configuration);
        if (!ListenAddresses.AnyGiven(builder.Configuration)) builder.WebHost.UseUrls(SettingsDefaults.Urls);

        // MudBlazor's _content/ files and the linked wwwroot-assets are served in every environment,
        // not only Development (the SDK turns static web assets on only there by default).
        builder.WebHost.UseStaticWebAssets();
        WebRoot.AddPublishedAssets(builder.Environment);

        var services = builder.Services;
        // Options read the final configuration (test-host overrides included) and are validated when the host starts,
        // before any hosted service: a bad setting stops start-up naming it, with nothing written.
        services.AddLianDongSettings();
        services.AddSingleton(TimeProvider.System);
        services.AddLianDongPersistence(sp => sp.GetRequiredService<LianDongSettings>().ConnectionString);
        services.AddLianDongIdentity();
        services.AddLianDongDataProtection();
        services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        // Log lines go out with phone numbers masked (138****5678), the exception text included.
        builder.Logging.AddPhoneMaskingConsole();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityAuthenticationStateProvider>();
        services.AddMudServices();
        services.AddTransient<MudBlazor.MudLocalizer, LianDong.Console.Localization.MudText>();
        services.AddLianDongLocalization();
        services.AddScoped<FirstAdminSeeder>();
        services.AddHostedService<StartupTasks>();
        services.AddGracefulStop();
        services.AddProxySupport();
        services.AddConsoleFeatures();

        services.AddLianDongEngine();
        services.AddStorefrontApi();

        // Nightly jobs on Hangfire (issue 14; ADR 0020): after StartupTasks (migrations, demo data).
        services.AddLianDongJobs();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    /// <summary>The documented defaults, as the lowest-priority configuration source.</summary>
    public static void AddDefaults(IConfigurationBuilder configuration) =>
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = SettingsDefaults.AsConfiguration() });

    private static void Configure(WebApplication app)
    {
        app.UseRefusalWhileStopping();
        app.UseProxySupport();
        // First, so error pages, redirects, static files and API answers carry the headers too.
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
            app.UseExceptionHandler("/error", createScopeForErrors: true);

        // Unknown pages get the not-found page (GET only: a re-executed POST would hit a form handler).
        app.UseWhen(c => HttpMethods.IsGet(c.Request.Method) && !c.Request.Path.StartsWithSegments("/api"),
            b => b.UseStatusCodePagesWithReExecute("/not-found", "?status={0}"));

        app.UseStaticFiles();
        // Explicit, after the status-code re-execution, so a re-executed request is routed again.
        app.UseRouting();
        // The language cookie sets the culture of the request and so of the circuit it starts (UiCulture).
        app.UseRequestLocalization();
        app.UseStorefrontApiErrors();
        app.UseAuthentication();
        // Between the two: the dashboard's filter reads the user; the sign-in fallback policy would redirect a 401.
        app.UseJobsDashboard();
        app.UseAuthorization();
        app.UseStorefrontApiRateLimit();
        app.UseAntiforgery();

        app.MapAccountEndpoints();
        app.MapExportEndpoints();
        app.MapPackImageEndpoints();
        app.MapStorefrontApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            .Add(endpoint =>
            {
                // The framework's script (blazor.web.js) must load on the anonymous sign-in page too;
                // the fallback policy (signed in) would otherwise redirect it to the login page.
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route }
                    && route.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal))
                    endpoint.Metadata.Add(new AllowAnonymousAttribute());
            });
    }
}
