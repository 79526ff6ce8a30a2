using System.Security.Claims;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;

namespace LianDong.Tests.Finance;

/// <summary>Issue 13: the pack form's service refuses a cost above the price and a price above the maximum, whatever the page sent.</summary>
public class GiftPackLimitTests
{
    private static GiftPackService Service(EngineTestHost h)
    {
        var user = new TestCurrentUser();
        user.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin@test"), new Claim(ClaimTypes.Role, AppRoles.PlatformAdmin)], "test"));
        var settings = new LianDongSettings([], $"Data Source={h.DbPath}", new JobsSettings(false, default), new DemoSettings(false, 0), new ApiSettings(1, 1));
        return new GiftPackService(h.Db, h.Packs, user, new PackImageStore(h.Db, settings, h.Clock));
    }

    private static PackInput Input(long merchantId, string code, string price, string cost) =>
        new() { MerchantId = merchantId, Code = code, Name = code, Price = price, Cost = cost, Stock = 1 };

    [Fact]
    public async Task A_pack_is_not_created_or_repriced_with_cost_above_price_or_price_above_the_maximum()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var packs = Service(h);

        var upside = await packs.CreateAsync(Input(h.MerchantId, "UP", "499.00", "499.01"));
        Assert.False(upside.Ok);
        Assert.Equal(LianDong.Console.Features.Rules.RulesText.Format("Violation.CostAbovePrice", "¥499.01", "¥499.00"), upside.Fields["Cost"]);
        var dear = await packs.CreateAsync(Input(h.MerchantId, "DEAR", "100000.01", "1.00"));
        Assert.False(dear.Ok);
        Assert.Equal(LianDong.Console.Features.Rules.RulesText.Format("Violation.PriceAboveMaximum", "¥100,000.01", "¥100,000.00"), dear.Fields["Price"]);
        Assert.Null(await packs.GetAsync("UP"));
        Assert.Null(await packs.GetAsync("DEAR"));

        Assert.True((await packs.CreateAsync(Input(h.MerchantId, "OK", "100000.00", "100000.00"))).Ok);
        Assert.False((await packs.UpdateAsync("OK", Input(h.MerchantId, "OK", "500.00", "600.00"))).Ok);
        Assert.False((await packs.UpdateAsync("OK", Input(h.MerchantId, "OK", "999999999.99", "1.00"))).Ok);
        var saved = await packs.GetAsync("OK");
        Assert.Equal((InputLimits.MaxPackPriceFen, InputLimits.MaxPackPriceFen), (saved!.PriceFen, saved.CostFen));
    }

    [Fact]
    public async Task The_domain_refuses_them_too_whoever_calls_it()
    {
        await using var h = await EngineTestHost.CreateAsync();
        var e = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.Packs.CreateAsync(h.MerchantId, "UP", "UP", 49900, 49901, 1));
        Assert.StartsWith("costFen is 49901 fen", e.Message);
        await Assert.ThrowsAsync<ComplianceViolationException>(() => h.Packs.CreateAsync(h.MerchantId, "BIG", "BIG", long.MaxValue, 0, 1));
    }
}
