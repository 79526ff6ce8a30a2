using System.Text.RegularExpressions;
using LianDong.Console.Hosting;
using LianDong.Console.Settings;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Persistence;

public class FirstAdminSeederTests
{
    private static async Task EnsureAsync(ServiceHarness h)
    {
        await using var scope = h.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FirstAdminSeeder>().EnsureAsync(default);
    }

    [Fact]
    public async Task Without_settings_a_generated_password_is_logged_once_and_works()
    {
        var logs = new CapturingLoggerProvider();
        await using var h = new ServiceHarness(logs: logs);
        await h.InitializeAsync(createRoles: false);

        await EnsureAsync(h);
        await EnsureAsync(h); // a restart: nothing more

        var lines = logs.Messages.Where(m => m.Message.Contains("First PlatformAdmin created")).ToList();
        var line = Assert.Single(lines).Message;
        Assert.Contains(FirstAdminSeeder.DefaultEmail, line);
        var password = Regex.Match(line, @"generated password (\S+)").Groups[1].Value;
        Assert.True(password.Length >= 20, line);

        using var scope = h.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(AppRoles.PlatformAdmin));
        Assert.Equal(FirstAdminSeeder.DefaultEmail, admin.Email);
        Assert.True(await users.CheckPasswordAsync(admin, password));
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == AuditActions.UserCreate));
        Assert.Equal(AppRoles.All.Count, await db.AuditLog.CountAsync(a => a.Action == AuditActions.RoleCreate));
    }

    [Fact]
    public async Task Given_settings_are_used_and_the_password_is_never_logged()
    {
        var logs = new CapturingLoggerProvider();
        var email = TestSecrets.NewEmail("boss");
        var password = TestSecrets.NewPassword();
        await using var h = new ServiceHarness(new Dictionary<string, string?>
        {
            [FirstAdminSeeder.EmailKey] = email, [FirstAdminSeeder.PasswordKey] = password,
        }, logs);
        await h.InitializeAsync(createRoles: false);
        await EnsureAsync(h);

        Assert.DoesNotContain(logs.Messages, m => m.Message.Contains(password));
        using var scope = h.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = Assert.Single(await users.GetUsersInRoleAsync(AppRoles.PlatformAdmin));
        Assert.Equal(email, admin.Email);
        Assert.True(await users.CheckPasswordAsync(admin, password));
    }

    [Fact]
    public async Task A_given_password_that_breaks_the_policy_stops_start_up_naming_the_setting()
    {
        await using var h = new ServiceHarness(new Dictionary<string, string?> { [FirstAdminSeeder.PasswordKey] = "password" });
        await h.InitializeAsync(createRoles: false);
        var e = await Assert.ThrowsAsync<InvalidSettingsException>(() => EnsureAsync(h));
        Assert.Contains("LIANDONG_ADMIN_PASSWORD does not meet the password policy", e.Message);
    }
}
