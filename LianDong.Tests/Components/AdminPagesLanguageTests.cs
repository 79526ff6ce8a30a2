using System.Text.RegularExpressions;
using Bunit;
using LianDong.Console.Api;
using LianDong.Console.Features;
using LianDong.Console.Features.ApiKeys;
using LianDong.Console.Features.Audit;
using LianDong.Console.Features.Users;
using LianDong.Console.Hosting;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The users, API keys and audit pages speak one language at a time: in English no Chinese label (the data here is
/// ASCII), in Chinese the labels and the audit actions' names are Chinese.
/// </summary>
public partial class AdminPagesLanguageTests : MudTestContext
{
    private readonly TestCurrentUser admin = new();

    public AdminPagesLanguageTests()
    {
        _ = Database;
        admin.SignIn("root@test.liandong.local", AppRoles.PlatformAdmin);
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddSingleton(TimeProvider.System);
        Services.AddLianDongIdentity();
        Services.AddLianDongEngine();
        Services.AddConsoleFeatures();
        Services.AddSingleton<ICurrentUser>(admin);
        using var db = Database.NewContext();
        db.AuditLog.AddRange(
            new AuditLogEntry(DateTimeOffset.UtcNow.AddMinutes(-2), "root@test.liandong.local", AuditActions.UserCreate, "user:a@test.liandong.local", null, "roles=Finance"),
            new AuditLogEntry(DateTimeOffset.UtcNow.AddMinutes(-1), "root@test.liandong.local", AuditActions.UserLock, "user:a@test.liandong.local", "unlocked", "locked"));
        db.SaveChanges();
    }

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    private string RenderPage<TPage>() where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Render<MudPopoverProvider>();
        var page = Render<TPage>();
        page.WaitForAssertion(() => Assert.DoesNotContain("mud-table-loading", page.Markup), TimeSpan.FromSeconds(10));
        page.WaitForState(() => page.FindAll(".mud-table-body tr").Count > 0, TimeSpan.FromSeconds(10));
        return page.Markup;
    }

    [Fact]
    public void The_audit_log_in_English_names_actions_in_words_and_has_no_Chinese()
    {
        UseCulture(UiCulture.English);
        var markup = RenderPage<AuditLogPage>();
        Assert.Contains("User locked", markup);
        Assert.Contains("User created", markup);
        Assert.Contains("Who", markup);
        Assert.DoesNotContain("user.lock", markup.Replace("data-action=\"user.lock\"", ""));
        Assert.DoesNotMatch(Chinese(), markup);
    }

    [Fact]
    public void The_audit_log_in_Chinese_names_actions_in_Chinese_newest_first()
    {
        var markup = RenderPage<AuditLogPage>();
        Assert.Contains("操作人", markup);
        Assert.True(markup.IndexOf("锁定用户", StringComparison.Ordinal) is var locked and >= 0 && locked < markup.IndexOf("创建用户", StringComparison.Ordinal));
        Assert.DoesNotContain("User locked", markup);
    }

    [Fact]
    public async Task The_users_page_in_English_has_no_Chinese_and_in_Chinese_no_English_labels()
    {
        using (var scope = Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().CreateAsync(new IdentityRole(AppRoles.PlatformAdmin));
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var root = new AppUser { UserName = "root@test.liandong.local", Email = "root@test.liandong.local", DisplayName = "Root" };
            Assert.True((await users.CreateAsync(root, TestSecrets.NewPassword())).Succeeded);
            Assert.True((await users.AddToRoleAsync(root, AppRoles.PlatformAdmin)).Succeeded);
        }
        UseCulture(UiCulture.English);
        var english = RenderPage<UsersPage>();
        Assert.Contains("New user", english);
        Assert.Contains("Platform admin", english);
        Assert.DoesNotMatch(Chinese(), english);

        UseCulture(UiCulture.Chinese);
        var chinese = Render<UsersPage>();
        chinese.WaitForState(() => chinese.FindAll(".mud-table-body tr").Count > 0, TimeSpan.FromSeconds(10));
        Assert.Contains("新建用户", chinese.Markup);
        Assert.Contains("平台管理员", chinese.Markup);
        Assert.DoesNotContain("New user", chinese.Markup);
        Assert.DoesNotContain("Reset password", chinese.Markup);
    }

    [Fact]
    public async Task The_api_keys_page_in_English_has_no_Chinese()
    {
        await Services.GetRequiredService<ApiKeyStore>().CreateAsync("storefront", null, "root@test.liandong.local");
        UseCulture(UiCulture.English);
        var markup = RenderPage<ApiKeysPage>();
        Assert.Contains("Revoke", markup);
        Assert.Contains("Platform", markup);
        Assert.DoesNotMatch(Chinese(), markup);
    }
}
