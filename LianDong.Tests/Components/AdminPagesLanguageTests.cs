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

/// <summary>The new-key form: a refused name is said under the name, in the user's language; a made key is shown once.</summary>
public class ApiKeyDialogTests : MudTestContext
{
    public ApiKeyDialogTests()
    {
        _ = Database;
        var admin = new TestCurrentUser();
        admin.SignIn("root@test.liandong.local", AppRoles.PlatformAdmin);
        Services.AddLogging();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ApiKeyStore>();
        Services.AddScoped<ApiKeyService>();
        Services.AddSingleton<ICurrentUser>(admin);
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "名称需要 1–100 个字符", "密钥只显示这一次")]
    [InlineData(UiCulture.English, "A name has 1–100 characters", "The key is shown only this once")]
    public async Task An_empty_name_is_refused_under_the_name_and_a_made_key_is_shown_once_with_a_copy_button(string culture, string refused, string once)
    {
        UseCulture(culture);
        var provider = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        await provider.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<ApiKeyDialog>("new"));
        provider.WaitForElement("button[data-testid=api-key-create]").Click();
        provider.WaitForAssertion(() => Assert.Contains(refused, provider.Markup));
        Assert.Empty(provider.FindAll("[data-testid=new-api-key]"));

        provider.Find("input[data-testid=api-key-name]").Input("storefront");
        provider.Find("button[data-testid=api-key-create]").Click();
        provider.WaitForAssertion(() => Assert.StartsWith("ld_", provider.Find("[data-testid=new-api-key]").TextContent));
        Assert.Contains(once, provider.Markup);
        Assert.NotNull(provider.Find("button[data-testid=copy-secret]"));
    }
}
