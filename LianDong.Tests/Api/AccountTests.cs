using System.Net;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Api;

public class AccountTests : IDisposable
{
    private readonly ConsoleFactory factory = new();

    public void Dispose() => factory.Dispose();

    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task The_first_admin_comes_from_the_environment_settings_and_is_audited()
    {
        var client = NewClient();
        await FormLogin.SignInAsync(client, factory.AdminEmail, factory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/users")).StatusCode);

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        var entry = await db.AuditLog.SingleAsync(a => a.Action == AuditActions.UserCreate);
        Assert.Equal(("system:first-run", "user:" + factory.AdminEmail), (entry.Actor, entry.Subject));
    }

    [Fact]
    public async Task A_user_changes_their_password_and_stays_signed_in()
    {
        var email = TestSecrets.NewEmail("fin");
        var old = await factory.CreateUserAsync(email, AppRoles.Finance);
        var client = NewClient();
        await FormLogin.SignInAsync(client, email, old);

        var page = await client.GetStringAsync("/account/password");
        var newPassword = TestSecrets.NewPassword();
        var response = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = FormLogin.Token(page),
            ["Input.Current"] = old,
            ["Input.New"] = newPassword,
            ["Input.Confirm"] = newPassword,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("密码已修改", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settlements")).StatusCode);

        var wrong = await FormLogin.PostLoginAsync(NewClient(), email, old);
        Assert.Contains("邮箱或密码错误", System.Net.WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()));
        await FormLogin.SignInAsync(NewClient(), email, newPassword);
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_with_the_policy_in_the_users_language()
    {
        var email = TestSecrets.NewEmail("fin");
        var old = await factory.CreateUserAsync(email, AppRoles.Finance);
        var client = NewClient();
        await FormLogin.SignInAsync(client, email, old);
        var page = await client.GetStringAsync("/account/password");
        var response = await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["__RequestVerificationToken"] = FormLogin.Token(page),
            ["Input.Current"] = old,
            ["Input.New"] = "abc",
            ["Input.Confirm"] = "abc",
        }));
        // Identity's policy message in the page's language (Chinese without a language cookie): LocalizedIdentityErrorDescriber.
        Assert.Contains("密码至少需要 12 个字符", System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        await FormLogin.SignInAsync(NewClient(), email, old);
    }

    [Fact]
    public async Task The_fifth_wrong_password_locks_for_15_minutes_and_the_next_attempt_says_so()
    {
        var email = TestSecrets.NewEmail("lock");
        var password = await factory.CreateUserAsync(email, AppRoles.Finance);
        var client = NewClient();
        for (var i = 1; i <= 4; i++)
            Assert.Contains("邮箱或密码错误", System.Net.WebUtility.HtmlDecode(await (await FormLogin.PostLoginAsync(client, email, TestSecrets.NewPassword())).Content.ReadAsStringAsync()));
        Assert.Contains("账户已锁定", System.Net.WebUtility.HtmlDecode(await (await FormLogin.PostLoginAsync(client, email, TestSecrets.NewPassword())).Content.ReadAsStringAsync()));
        var next = await FormLogin.PostLoginAsync(client, email, password);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Contains("账户已锁定", System.Net.WebUtility.HtmlDecode(await next.Content.ReadAsStringAsync()));

        using var scope = factory.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<LianDongDbContext>().Users.SingleAsync(u => u.Email == email);
        var minutes = (user.LockoutEnd!.Value - DateTimeOffset.UtcNow).TotalMinutes;
        Assert.InRange(minutes, 14, 15);
    }

    [Fact]
    public async Task Return_url_is_followed_only_when_local()
    {
        var email = TestSecrets.NewEmail("fin");
        var password = await factory.CreateUserAsync(email, AppRoles.Finance);
        foreach (var (returnUrl, expected) in new[] { ("/payouts", "/payouts"), ("https://evil.example/", "/"), ("//evil.example", "/") })
        {
            var client = NewClient();
            var page = await client.GetStringAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
            var response = await client.PostAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login", ["__RequestVerificationToken"] = FormLogin.Token(page), ["Input.Email"] = email, ["Input.Password"] = password,
            }));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            var location = response.Headers.Location!;
            if (location.IsAbsoluteUri) Assert.Equal("localhost", location.Host);
            Assert.Equal(expected, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
        }
    }
}

public class DataProtectionKeyTests
{
    [Fact]
    public async Task Keys_live_in_the_database_so_a_restart_or_a_restored_backup_keeps_sessions()
    {
        using var factory = new ConsoleFactory();
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await FormLogin.SignInAsync(client, factory.AdminEmail, factory.AdminPassword);
        await using var db = factory.Database.NewContext();
        Assert.True(await db.Database.SqlQueryRaw<long>($"SELECT count(*) AS Value FROM {LianDong.Console.Hosting.DataProtectionSetup.KeysTable}").SingleAsync() > 0);
    }
}

public class SettingsInjectionTests
{
    [Fact]
    public void Each_settings_section_can_be_injected_with_the_hosts_values()
    {
        using var factory = new ConsoleFactory(new Dictionary<string, string> { ["Jobs:NightlyAt"] = "03:45", ["Api:MaxBodyBytes"] = "2048" });
        factory.CreateClient().Dispose();
        Assert.Equal(new TimeOnly(3, 45), factory.Services.GetRequiredService<LianDong.Console.Settings.JobsSettings>().NightlyAt);
        Assert.Equal(2048, factory.Services.GetRequiredService<LianDong.Console.Settings.ApiSettings>().MaxBodyBytes);
        Assert.False(factory.Services.GetRequiredService<LianDong.Console.Settings.DemoSettings>().SeedOnFirstRun);
    }
}
