using LianDong.Domain.Engine;
using System.Security.Claims;
using LianDong.Console.Features;
using LianDong.Console.Hosting;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LianDong.Tests.Support;

/// <summary>Who the services think is acting; tests switch it.</summary>
public sealed class TestCurrentUser : ICurrentUser
{
    public ClaimsPrincipal Principal { get; set; } = new();

    public void SignIn(string name, params string[] roles) =>
        Principal = new ClaimsPrincipal(new ClaimsIdentity(
            roles.Select(r => new Claim(ClaimTypes.Role, r)).Append(new Claim(ClaimTypes.Name, name)), "test"));

    public Task<ClaimsPrincipal> GetPrincipalAsync() => Task.FromResult(Principal);
}

/// <summary>The console's services (persistence, Identity, features) on a migrated temp SQLite file, without a web host.</summary>
public sealed class ServiceHarness : IAsyncDisposable
{
    public TempDatabase Database { get; } = new();
    public TestCurrentUser CurrentUser { get; } = new();
    public ServiceProvider Services { get; }

    public ServiceHarness(IReadOnlyDictionary<string, string?>? configuration = null, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => { if (logs is not null) b.AddProvider(logs); });
        services.AddDataProtection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        services.AddLianDongPersistence(Database.ConnectionString);
        services.AddLianDongIdentity();
        services.AddConsoleFeatures();
        services.AddLianDongEngine();
        services.AddScoped<ICurrentUser>(_ => CurrentUser);
        services.AddScoped<FirstAdminSeeder>();
        Services = services.BuildServiceProvider();
    }

    /// <summary>Migrates the database and, unless told not to (the first-run tests), creates the roles.</summary>
    public async Task InitializeAsync(bool createRoles = true)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        if (!createRoles) return;
        await using var scope = Services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in AppRoles.All) await roles.CreateAsync(new IdentityRole(role));
    }

    public T Get<T>() where T : notnull => Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Database.Dispose();
    }
}
