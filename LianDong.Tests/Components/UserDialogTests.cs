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

    [Theory]
    [InlineData(UiCulture.Chinese, "请输入邮箱", "请至少选择一个角色", "不是有效的邮箱地址", "商户用户必须绑定商户", "Enter an email")]
    [InlineData(UiCulture.English, "Enter an email address", "Choose at least one role", "Not a valid email address",
        "A merchant user must be bound to a merchant", "请输入邮箱")]
    public async Task The_form_says_under_each_field_what_is_wrong_in_the_users_language(string culture, string noEmail, string noRole,
        string badEmail, string noMerchant, string otherLanguage)
    {
        UseCulture(culture);
        var dialog = await OpenNewUserDialogAsync();
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains(noEmail, dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains(noRole, dialog.Find("[data-field=Roles] .ld-field-error").TextContent);
        });
        Assert.DoesNotContain(otherLanguage, dialog.Markup);

        Type(dialog, "user-email", "not-an-email");
        dialog.Find("input[data-role=Merchant]").Change(true);
        Save(dialog);
        dialog.WaitForAssertion(() =>
        {
            Assert.Contains(badEmail, dialog.Find("[data-field=Email]").TextContent);
            Assert.Contains(noMerchant, dialog.Find("[data-field=Merchant]").TextContent);
            Assert.Empty(dialog.FindAll("[data-field=Roles] .ld-field-error"));
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
