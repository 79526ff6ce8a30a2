using System.Security.Claims;
using LianDong.Console.Demo;
using LianDong.Console.Features.Shared;
using LianDong.Console.Localization;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LianDong.Tests.Persistence;

/// <summary>The Ctrl+K palette finds pages, members, orders and batches, each only for the roles that may open them.</summary>
public class PaletteSearchTests
{
    private static async Task<ServiceHarness> SeededAsync()
    {
        var h = new ServiceHarness();
        await h.InitializeAsync();
        await new DemoSeeder(NullLogger.Instance).SeedAsync(h.Database.ConnectionString, 60, DateTimeOffset.UtcNow);
        return h;
    }

    [Fact]
    public async Task An_admin_finds_a_member_by_id_phone_or_name_prefix_and_pages_by_name()
    {
        await using var h = await SeededAsync();
        h.CurrentUser.SignIn("admin@test", AppRoles.PlatformAdmin);
        await using var db = h.Database.NewContext();
        var m = await db.Members.AsNoTracking().Where(x => x.Phone != null && x.Name != null).OrderBy(x => x.Id).Skip(7).FirstAsync();
        var search = h.Get<PaletteSearch>();

        foreach (var prefix in new[] { m.ExternalId, m.Phone![..7], m.Name! })
        {
            var hits = await UiCulture.In(UiCulture.Chinese, () => search.FindAsync(prefix));
            Assert.Contains(hits, x => x.Href == "members/" + Uri.EscapeDataString(m.ExternalId) && x.Kind == "会员");
            Assert.True(hits.Count(x => x.Kind == "会员") <= 5, "at most five members per search");
        }
        var pages = await UiCulture.In(UiCulture.English, () => search.FindAsync("pay"));
        Assert.Contains(pages, x => x is { Kind: "Page", Text: "Payouts", Href: "payouts" });
        Assert.Empty(await search.FindAsync("no-such-thing-anywhere"));
    }

    [Fact]
    public async Task A_merchant_finds_only_its_own_orders_and_no_members()
    {
        await using var h = await SeededAsync();
        await using var db = h.Database.NewContext();
        var own = await db.Orders.AsNoTracking().Where(o => o.PackId != null)
            .Join(db.GiftPacks, o => o.PackId, p => p.Id, (o, p) => new { o.ExternalId, p.MerchantId }).FirstAsync();
        var other = await db.Orders.AsNoTracking().Where(o => o.PackId != null)
            .Join(db.GiftPacks, o => o.PackId, p => p.Id, (o, p) => new { o.ExternalId, p.MerchantId })
            .FirstAsync(x => x.MerchantId != own.MerchantId);
        var member = await db.Members.AsNoTracking().OrderBy(x => x.Id).FirstAsync();
        h.CurrentUser.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "shop@test"), new Claim(ClaimTypes.Role, AppRoles.Merchant), new Claim(AppClaims.MerchantId, own.MerchantId.ToString())], "test"));
        var search = h.Get<PaletteSearch>();

        Assert.Contains(await search.FindAsync(own.ExternalId), x => x.Text == own.ExternalId);
        Assert.DoesNotContain(await search.FindAsync(other.ExternalId), x => x.Text == other.ExternalId);
        Assert.Empty((await search.FindAsync(member.ExternalId)).Where(x => x.Href.StartsWith("members/")));
        Assert.DoesNotContain(await search.FindAsync(""), x => x.Href is "members" or "payouts" or "users");
    }
}
