using System.Globalization;
using LianDong.Console.Features.SupportFund;
using LianDong.Console.Localization;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;

namespace LianDong.Tests.Persistence;

/// <summary>The grant form's first step names each wrong field and posts nothing; only admins may grant.</summary>
public class SupportFundPageServiceTests
{
    [Fact]
    public async Task Review_names_each_wrong_field_in_the_users_language_and_posts_nothing()
    {
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(UiCulture.Chinese);
        await using var h = new ServiceHarness();
        await h.InitializeAsync();
        h.CurrentUser.SignIn("admin@test", AppRoles.PlatformAdmin);
        var fund = h.Get<SupportFundPageService>();

        var empty = await fund.CheckAsync(new GrantRequest("g1", "", "", " "));
        Assert.Equal(["Amount", "MemberId", "Reason"], empty.Errors.Keys.Order());
        Assert.False(empty.Ok);

        var unknown = await fund.CheckAsync(new GrantRequest("g1", "nobody", "1.00", "help"));
        Assert.Equal("没有会员“nobody”", unknown.Errors["MemberId"]); // in the user's language, Chinese by default
        Assert.Equal("基金余额不足：余额 ¥0.00，还差 ¥1.00", unknown.Errors["Amount"]);
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(UiCulture.English);
        var english = await fund.CheckAsync(new GrantRequest("g1", "nobody", "1.00", "help"));
        Assert.Equal("No member \"nobody\"", english.Errors["MemberId"]);
        Assert.Equal("The fund holds ¥0.00, ¥1.00 short", english.Errors["Amount"]);

        var outcome = await fund.GrantAsync(new GrantRequest("g1", "nobody", "1.00", "help"));
        Assert.False(outcome.Ok);
        Assert.Equal(new FundTotals(0, 0, 0, 0), await fund.TotalsAsync());
    }

    [Fact]
    public async Task Finance_sees_the_fund_but_cannot_grant()
    {
        await using var h = new ServiceHarness();
        await h.InitializeAsync();
        h.CurrentUser.SignIn("finance@test", AppRoles.Finance);
        var fund = h.Get<SupportFundPageService>();
        Assert.Equal(0, (await fund.TotalsAsync()).BalanceFen);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => fund.CheckAsync(new GrantRequest("g1", "A", "1", "x")));
    }
}
