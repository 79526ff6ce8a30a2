using Bunit;
using LianDong.Console.Features.Users;
using LianDong.Console.Hosting;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The user form's messages: each under its own field, in the user's language, Identity's password policy included
/// (LocalizedIdentityErrorDescriber, through the real service on a real database).
/// </summary>
public class UserDialogTests : MudTestContext
{
    private readonly TestCurrentUser admin = new();

    public UserDialogTests()
    {
        admin.SignIn("root@test.liandong.local", AppRoles.PlatformAdmin);
        Services.AddSingleton<ICurrentUser>(admin);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<UserAdminService>();
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenNewUserDialogAsync(params MerchantOption[] merchants)
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<UserDialog> { { d => d.User, null }, { d => d.Merchants, merchants } };
        await provider.InvokeAsync(() => dialogs.ShowAsync<UserDialog>("new", parameters));
        provider.WaitForElement("[data-testid=user-save]");
        return provider;
    }

    private static void Type(IRenderedComponent<MudDialogProvider> dialog, string testId, string text) =>
        dialog.Find($"input[data-testid={testId}]").Input(text);

    private static void Save(IRenderedComponent<MudDialogProvider> dialog) => dialog.Find("button[data-testid=user-save]").Click();

    [Fact]
    public async Task An_empty_form_says_in_Chinese_under_each_field_what_is_missing()
    {
        var dialog = await OpenNewUserDialogAsync();
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("请输入邮箱", dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains("请至少选择一个角色", dialog.Find("[data-field=Roles] .ld-field-error").TextContent);
        });
        Assert.DoesNotContain("Enter an email", dialog.Markup);

        Type(dialog, "user-email", "not-an-email");
        dialog.Find("input[data-role=Merchant]").Change(true);
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("不是有效的邮箱地址", dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains("商户用户必须绑定商户", dialog.Find("[data-field=Merchant]").TextContent);
        });
    }

    [Fact]
    public async Task An_empty_form_says_in_English_under_each_field_what_is_missing()
    {
        UseCulture(UiCulture.English);
        var dialog = await OpenNewUserDialogAsync();
        Assert.Contains("Initial password", dialog.Markup);
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("Enter an email address", dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains("Choose at least one role", dialog.Find("[data-field=Roles] .ld-field-error").TextContent);
        });
        Assert.DoesNotContain("请输入邮箱", dialog.Markup);

        Type(dialog, "user-email", "not-an-email");
        dialog.Find("input[data-role=Merchant]").Change(true);
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains("Not a valid email address", dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains("A merchant user must be bound to a merchant", dialog.Find("[data-field=Merchant]").TextContent);
        });
    }

    [Theory]
    [InlineData(UiCulture.Chinese, "密码至少需要 12 个字符", "密码需要至少一个大写字母")]
    [InlineData(UiCulture.English, "A password needs at least 12 characters", "A password needs at least one upper-case letter")]
    public async Task Identitys_password_policy_is_shown_under_the_password_in_the_users_language(string culture, string tooShort, string upper)
    {
        _ = Database;
        Services.AddLogging();
        Services.AddDataProtection();
        Services.AddLianDongIdentity();
        Services.AddSingleton<ICurrentUser>(admin); // AddLianDongIdentity registers the circuit's own
        UseCulture(culture);
        var dialog = await OpenNewUserDialogAsync();

        Type(dialog, "user-email", "weak@test.liandong.local");
        Type(dialog, "user-password", "short1");
        dialog.Find("input[data-role=Finance]").Change(true);
        Save(dialog);

        dialog.WaitForAssertion(() =>
        {
            var password = dialog.Find("[data-field=Password]").TextContent;
            Assert.Contains(tooShort, password);
            Assert.Contains(upper, password);
        }, TimeSpan.FromSeconds(10));
        Assert.Single(dialog.FindAll(".mud-dialog")); // refused: the dialog stays open
    }
}
