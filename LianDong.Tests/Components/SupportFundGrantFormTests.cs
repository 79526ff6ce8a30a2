using Bunit;
using LianDong.Console.Features;
using LianDong.Console.Features.SupportFund;
using LianDong.Console.Hosting;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Rewards;
using LianDong.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The support fund's grant form (bUnit on a real database, signed in as an admin): each wrong field shows its own
/// message under it, in the language of the user, and nothing is asked or posted until the form is right.
/// </summary>
public class SupportFundGrantFormTests : MudTestContext
{
    private readonly TestCurrentUser user = new();

    public SupportFundGrantFormTests()
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
        Services.AddScoped<ICurrentUser>(_ => user);
        user.SignIn("admin@test.local", AppRoles.PlatformAdmin);
        AddAuthorization().SetAuthorized("admin@test.local").SetRoles(AppRoles.PlatformAdmin);
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialogs, IRenderedComponent<SupportFundPage> Page)> RenderAsync()
    {
        await Services.GetRequiredService<RewardEngineService>().ApplyAsync(new RegisterMember("G", null, DateTimeOffset.UtcNow.AddDays(-1), Name: "赵敏"));
        return (Render<MudDialogProvider>(), Render<SupportFundPage>());
    }

    private static string ErrorUnder(IRenderedComponent<SupportFundPage> page, string inputId) =>
        page.Find($"#{inputId}").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() ?? "";

    private static void Review(IRenderedComponent<SupportFundPage> page, string? member, string? amount, string? reason)
    {
        page.Find("#grantMember").Change(member ?? "");
        page.Find("#grantAmount").Change(amount ?? "");
        page.Find("#grantReason").Change(reason ?? "");
        page.Find("[data-testid=grant-review]").Click();
    }

    [Fact]
    public async Task Each_wrong_field_says_why_in_Chinese()
    {
        var (dialogs, page) = await RenderAsync();

        Review(page, "", "", " ");
        page.WaitForAssertion(() => Assert.Equal("请填写会员号", ErrorUnder(page, "grantMember")));
        Assert.Equal("请输入金额（元），最多两位小数，例如 12.50", ErrorUnder(page, "grantAmount"));
        Assert.Equal("请填写原因", ErrorUnder(page, "grantReason"));

        Review(page, "nobody", "0", "帮扶");
        page.WaitForAssertion(() => Assert.Equal("没有会员“nobody”", ErrorUnder(page, "grantMember")));
        Assert.Equal("金额须大于 ¥0.00", ErrorUnder(page, "grantAmount"));
        Assert.Equal("", ErrorUnder(page, "grantReason"));

        // "1,000.00" in full-width digits is read as ¥1,000.00: the member is right, the empty fund is short by all of it.
        Review(page, "G", "１，０００.００", "帮扶");
        page.WaitForAssertion(() => Assert.Equal("基金余额不足：余额 ¥0.00，还差 ¥1,000.00", ErrorUnder(page, "grantAmount")));
        Assert.Equal("", ErrorUnder(page, "grantMember"));
        Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]")); // nothing to confirm, nothing posted
    }

    [Fact]
    public async Task Each_wrong_field_says_why_in_English()
    {
        UseCulture(UiCulture.English);
        var (dialogs, page) = await RenderAsync();
        Assert.Contains("Grant to a member", page.Markup);
        Assert.Equal("Review", page.Find("[data-testid=grant-review]").TextContent.Trim());

        Review(page, "", "", " ");
        page.WaitForAssertion(() => Assert.Equal("Enter the member id", ErrorUnder(page, "grantMember")));
        Assert.Equal("Enter an amount in yuan with at most two decimals, e.g. 12.50", ErrorUnder(page, "grantAmount"));
        Assert.Equal("A grant needs a reason", ErrorUnder(page, "grantReason"));

        Review(page, "nobody", "-5", "help");
        page.WaitForAssertion(() => Assert.Equal("No member \"nobody\"", ErrorUnder(page, "grantMember")));
        Assert.Equal("Enter an amount in yuan with at most two decimals, e.g. 12.50", ErrorUnder(page, "grantAmount"));

        Review(page, "G", "1,000.00", "help");
        page.WaitForAssertion(() => Assert.Equal("The fund holds ¥0.00, ¥1,000.00 short", ErrorUnder(page, "grantAmount")));
        Assert.Empty(dialogs.FindAll("[data-testid=confirm-dialog]"));
        Assert.DoesNotMatch(@"\p{IsCJKUnifiedIdeographs}", page.Find("[data-testid=grant-form]").TextContent); // one language at a time
    }
}
