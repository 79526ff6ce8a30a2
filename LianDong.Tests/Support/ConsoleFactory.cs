using LianDong.Console.Hosting;
using LianDong.Domain.Identity;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

/// <summary>
/// The console in the in-memory test host, with its own SQLite file (hosts never share one:
/// two hosts migrating one file at once fail) and a first admin whose password is made per run.
/// Extra settings (e.g. a malformed one) can be passed in.
/// </summary>
public class ConsoleFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public TempDatabase Database { get; } = new();
    public string AdminEmail { get; } = TestSecrets.NewEmail("admin");
    public string AdminPassword { get; } = TestSecrets.NewPassword();

    public ConsoleFactory() : this(null) { }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Default", Database.ConnectionString);
        builder.UseSetting(FirstAdminSeeder.EmailKey, AdminEmail);
        builder.UseSetting(FirstAdminSeeder.PasswordKey, AdminPassword);
        builder.UseSetting("Jobs:Enabled", "false");
        builder.UseSetting("Demo:SeedOnFirstRun", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }

    /// <summary>Creates a user with the given roles (and, for a merchant user, a merchant) and returns its password.</summary>
    public async Task<string> CreateUserAsync(string email, params string[] roles)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        long? merchantId = null;
        if (roles.Contains(AppRoles.Merchant))
        {
            var merchant = new Merchant("M" + Guid.NewGuid().ToString("N")[..8], "Test merchant", null, DateTimeOffset.UtcNow);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            merchantId = merchant.Id;
        }
        var password = TestSecrets.NewPassword();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, MerchantId = merchantId };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        return password;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Database.Dispose();
    }
}
