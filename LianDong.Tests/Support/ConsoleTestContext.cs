using LianDong.Console.Features;
using LianDong.Console.Hosting;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

/// <summary>
/// A bUnit context with the console's real services on a real migrated SQLite database, signed in as a platform admin
/// (through <see cref="User"/>), for pages and forms that call their services.
/// </summary>
public abstract class ConsoleTestContext : MudTestContext
{
    protected TestCurrentUser User { get; } = new();

    protected ConsoleTestContext()
    {
        var database = Database;
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddSingleton(TimeProvider.System);
        var configuration = ConsoleConfiguration.Build([$"--ConnectionStrings:Default={database.ConnectionString}"]);
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddSingleton(LianDong.Console.Settings.SettingsLoader.Load(configuration));
        Services.AddLianDongIdentity();
        Services.AddConsoleFeatures();
        Services.AddLianDongEngine();
        Services.AddScoped<ICurrentUser>(_ => User);
        User.SignIn("admin@test.local", AppRoles.PlatformAdmin);
    }

    /// <summary>The default rules, in effect a minute from now, and merchant M1.</summary>
    protected async Task SeedRulesAndMerchantAsync()
    {
        await Services.GetRequiredService<RuleSetService>().PublishAsync(RuleParameters.Defaults, DateTimeOffset.UtcNow.AddMinutes(1), "test");
        await Services.GetRequiredService<LianDong.Console.Features.Merchants.MerchantService>()
            .CreateAsync(new LianDong.Console.Features.Merchants.MerchantInput { Code = "M1", Name = "Merchant" });
    }
}
