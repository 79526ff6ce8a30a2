using Bunit;
using Bunit.Rendering;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Localization;
using LianDong.Domain.Packs;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace LianDong.Tests.Components;

/// <summary>
/// The gift-pack list on a real database: server-paged rows with thumbnails and amounts in yuan, sort in the URL, and
/// switching a pack off only after a confirmation, with a toast after.
/// </summary>
public class GiftPacksPageTests : ConsoleTestContext
{
    public GiftPacksPageTests() : base() => UseCulture(UiCulture.English);

    private async Task SeedPacksAsync()
    {
        await SeedRulesAndMerchantAsync();
        var packs = Services.GetRequiredService<PackService>();
        long merchantId;
        await using (var db = await Services.GetRequiredService<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync())
            merchantId = (await db.Merchants.SingleAsync()).Id;
        await packs.CreateAsync(merchantId, "GP499", "Pack 499", 49900, 17900, 1200);
        await packs.CreateAsync(merchantId, "GP999", "Pack 999", 99900, 40000, 5);
        var stored = await Services.GetRequiredService<PackImageStore>().SaveAsync("GP499", TestImages.Png1x1, default);
        await packs.SetImageAsync("GP499", stored.FileName, "test");
        await packs.SwitchOnAsync("GP499", "test");
    }

    private IRenderedComponent<ContainerFragment> Page() => this.RenderWithProviders<GiftPacksPage>();

    private static List<string> Codes(IRenderedComponent<ContainerFragment> cut) =>
        cut.FindAll(".ld-packs tr.mud-table-row .ld-pack-code").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public async Task Packs_are_listed_newest_first_with_thumbnails_and_amounts_in_yuan()
    {
        await SeedPacksAsync();
        var cut = Page();
        cut.WaitForAssertion(() => Assert.Equal(["GP999", "GP499"], Codes(cut)));
        var row = cut.FindAll(".ld-packs tr.mud-table-row").Single(r => r.TextContent.Contains("GP499"));
        Assert.Equal("/gift-packs/GP499/image", row.QuerySelector("img.ld-thumb")!.GetAttribute("src"));
        Assert.Contains("¥499.00", row.TextContent);
        Assert.Contains("¥320.00", row.TextContent); // margin
        Assert.Contains("1,200", row.TextContent);
        Assert.Contains("On", row.QuerySelector(".ld-pack-status")!.TextContent);
    }

    [Fact]
    public async Task The_sort_in_the_URL_orders_the_rows_on_the_server()
    {
        await SeedPacksAsync();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/gift-packs?sort=PriceFen&dir=asc");
        var cut = Page();
        cut.WaitForAssertion(() => Assert.Equal(["GP499", "GP999"], Codes(cut)));
    }

    [Fact]
    public async Task Switching_a_pack_off_asks_first_then_says_it_is_done()
    {
        await SeedPacksAsync();
        var cut = Page();
        cut.WaitForAssertion(() => Assert.Equal(2, Codes(cut).Count));

        cut.Find("#switch-GP499").Click();
        var dialog = cut.WaitForElement("[data-testid=confirm-dialog]");
        Assert.Contains("Switch pack GP499 off?", cut.Markup);
        Assert.Contains("¥499.00", dialog.TextContent);
        cut.Find("[data-testid=confirm-cancel]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=confirm-dialog]")));
        Assert.True(await IsOnAsync("GP499"));

        cut.Find("#switch-GP499").Click();
        cut.WaitForElement("[data-testid=confirm-ok]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Pack GP499 is off", cut.Markup));
        Assert.False(await IsOnAsync("GP499"));
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "pack.off" && a.Subject == "pack:GP499"));
    }

    private async Task<bool> IsOnAsync(string code)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync();
        return (await db.GiftPacks.SingleAsync(p => p.Code == code)).IsOn;
    }
}
