using System.Net;
using System.Security.Claims;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Features.Orders;
using LianDong.Console.Features.Payouts;
using LianDong.Console.Security;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using LianDong.Domain.Rewards;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Finance;

/// <summary>Merchant scoping of packs and orders in the services (whatever a page or URL asks for).</summary>
public class MerchantScopeTests
{
    private static (GiftPackService Packs, OrderService Orders, TestCurrentUser User) Services(EngineTestHost h)
    {
        var user = new TestCurrentUser();
        var settings = new LianDongSettings([], $"Data Source={h.DbPath}", new JobsSettings(false, default), new DemoSettings(false, 0), new ApiSettings(1, 1));
        return (new GiftPackService(h.Db, h.Packs, user, new PackImageStore(h.Db, settings, h.Clock)), new OrderService(h.Get<MerchantReportService>(), user, h.Db), user);
    }

    private static void SignInMerchant(TestCurrentUser user, long merchantId) =>
        user.Principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"m{merchantId}@test"), new Claim(ClaimTypes.Role, AppRoles.Merchant), new Claim(AppClaims.MerchantId, merchantId.ToString())], "test"));

    [Fact]
    public async Task A_merchant_neither_sees_nor_changes_another_merchants_packs_or_orders()
    {
        await using var h = await FinanceScenario.CreateAsync(); // merchant M1 owns GP499 and its 7 orders
        long other;
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var m2 = new Merchant("M2", "Other", null, h.Clock.Now);
            db.Merchants.Add(m2);
            await db.SaveChangesAsync();
            other = m2.Id;
        }
        var (packs, orders, user) = Services(h);
        SignInMerchant(user, other);

        Assert.Empty(await packs.ListAsync());
        Assert.Null(await packs.GetAsync("GP499"));
        var input = new PackInput { Code = "GP499", Name = "stolen", Price = "499.00", Cost = "1.00", Stock = 1 };
        Assert.False((await packs.UpdateAsync("GP499", input)).Ok);
        Assert.False((await packs.SwitchAsync("GP499", false)).Ok);
        // Asking to create for M1 creates for the merchant's own M2.
        Assert.True((await packs.CreateAsync(new PackInput { MerchantId = h.MerchantId, Code = "X1", Name = "x", Price = "499.00", Cost = "179.00", Stock = 1 })).Ok);
        Assert.Equal(other, (await packs.GetAsync("X1"))!.MerchantId);
        Assert.Empty(await orders.ListAsync(new OrderFilter(h.MerchantId)));           // asking for M1 by id still gives M2's
        Assert.Equal(0, (await orders.TotalsAsync(new OrderFilter(h.MerchantId))).Orders);
        var (otherPage, otherTotals) = await orders.PageAsync(new OrderFilter(h.MerchantId), OrderService.SortPrice, true, 0, 25); // the grid's query too
        Assert.Empty(otherPage);
        Assert.Equal(0, otherTotals.Orders);
        Assert.Empty(await orders.PayablesAsync(h.MerchantId, new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31)));
        Assert.True((await h.Packs.CheckAsync("GP499")).Count == 0);
        await using (var db = await h.Db.CreateDbContextAsync())
            Assert.True((await db.GiftPacks.SingleAsync(p => p.Code == "GP499")).IsOn); // unchanged

        SignInMerchant(user, h.MerchantId);
        Assert.Equal(["GP499"], (await packs.ListAsync()).Select(p => p.Code));
        Assert.Null(await packs.GetAsync("X1"));
        Assert.Equal(7, (await orders.ListAsync(new OrderFilter(other))).Count);
        var (ownPage, ownTotals) = await orders.PageAsync(new OrderFilter(other), OrderService.SortPaidAt, true, 5, 25);
        Assert.Equal((2, 7), (ownPage.Count, ownTotals.Orders)); // the second page of 5, counted over all 7
    }

    [Fact]
    public async Task A_merchant_creates_a_pack_off_sees_the_compliance_check_and_switches_it_on_when_it_passes()
    {
        await using var h = await FinanceScenario.CreateAsync();
        var (packs, _, user) = Services(h);
        SignInMerchant(user, h.MerchantId);
        var thin = new PackInput { Code = "THIN", Name = "Thin margin", Price = "400.00", Cost = "100.00", Stock = 5 };
        Assert.Contains(await packs.CheckAsync(thin), v => v is PayoutAboveMargin { PackCode: "THIN" });
        Assert.True((await packs.CreateAsync(thin)).Ok);
        var refused = await packs.SwitchAsync("THIN", true);
        Assert.StartsWith(PacksText.Format("SwitchOnRefused", "THIN", ""), refused.Error);
        Assert.False((await packs.GetAsync("THIN"))!.IsOn);

        thin.Cost = "50.00";
        Assert.Empty(await packs.CheckAsync(thin));
        Assert.True((await packs.UpdateAsync("THIN", thin)).Ok);
        Assert.True((await packs.SwitchAsync("THIN", true)).Ok);
        Assert.True((await packs.GetAsync("THIN"))!.IsOn);
        thin.Cost = "40.00";
        Assert.Equal(PacksText.Get("Error.SwitchOffFirst"), (await packs.UpdateAsync("THIN", thin)).Error); // price changes only while off
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(["pack.create", "pack.reprice", "pack.on"],
            await db.AuditLog.Where(a => a.Subject == "pack:THIN").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task Services_refuse_the_wrong_role()
    {
        await using var h = await FinanceScenario.CreateAsync();
        var (packs, _, user) = Services(h);
        user.SignIn("fin@test", AppRoles.Finance);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => packs.ListAsync());
        var payouts = new PayoutPageService(h.Get<PayoutService>(), h.Get<PayoutAccountService>(), user, h.Db);
        SignInMerchant(user, h.MerchantId);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => payouts.PreviewAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => payouts.BatchesPageAsync(0, 25));
    }
}

/// <summary>The same rules over real HTTP: pages, exports and images by URL.</summary>
public class FinanceHttpAccessTests : IClassFixture<AccessFixture_Finance>
{
    private readonly AccessFixture_Finance fx;
    public FinanceHttpAccessTests(AccessFixture_Finance fx) => this.fx = fx;

    [Theory]
    [InlineData(AppRoles.Merchant, "/payouts")]
    [InlineData(AppRoles.Merchant, "/settlements")]
    [InlineData(AppRoles.Finance, "/rules")]
    [InlineData(AppRoles.Finance, "/gift-packs")]
    [InlineData(AppRoles.Merchant, "/exports/payouts/1.xlsx")]
    [InlineData(AppRoles.Merchant, "/exports/settlements/2026-01-08.xlsx")]
    [InlineData(AppRoles.Merchant, "/exports/members/A/ledger.xlsx?from=2026-01-01&to=2026-01-31")]
    public async Task Refused(string role, string url)
    {
        var client = await fx.SignedInAsync(role);
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden
            || (response.StatusCode == HttpStatusCode.Redirect && response.RedirectPath() == "/account/access-denied"),
            $"{role} {url}: {(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task A_merchant_cannot_fetch_another_merchants_pack_image_by_url_and_gets_only_its_own_payables()
    {
        var client = await fx.SignedInAsync(AppRoles.Merchant);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/gift-packs/{fx.OtherPackCode}/image")).StatusCode);
        var admin = await fx.SignedInAsync(AppRoles.PlatformAdmin);
        var image = await admin.GetAsync($"/gift-packs/{fx.OtherPackCode}/image");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        var response = await client.GetAsync($"/exports/merchant-payables.xlsx?from={Today(-10)}&to={Today(10)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var x = new XlsxReader(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var rows = XlsxReader.Rows(x.Sheet("商户应付"));
        Assert.Equal(3, rows.Count); // headers + totals: the other merchant's pack sold, this one has no sales
    }

    private static string Today(int days) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Bad_export_input_is_a_problem_naming_the_field()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var response = await client.GetAsync("/exports/merchant-payables.xlsx?from=2026-13-01&to=2026-01-31");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"from\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/exports/settlements/2020-01-01.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/exports/settlements/yesterday.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/exports/payouts/999.xlsx")).StatusCode);
    }

    [Fact]
    public async Task Finance_downloads_a_member_ledger_for_a_date_range()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var response = await client.GetAsync($"/exports/members/buyer/ledger.xlsx?from={Today(-1)}&to={Today(1)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ledger-buyer-", response.Content.Headers.ContentDisposition!.FileName);
        using var x = new XlsxReader(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Equal(3, XlsxReader.Rows(x.Sheet("会员流水")).Count); // the buyer earned nothing: headers and a zero total
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/exports/members/nobody/ledger.xlsx?from={Today(-1)}&to={Today(1)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/exports/members/buyer/ledger.xlsx?from={Today(1)}&to={Today(-1)}")).StatusCode);
    }

    [Fact]
    public async Task Finance_downloads_the_merchant_payables_of_all_merchants()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var response = await client.GetAsync($"/exports/merchant-payables.xlsx?from={Today(-10)}&to={Today(10)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        using var x = new XlsxReader(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        var rows = XlsxReader.Rows(x.Sheet("商户应付"));
        Assert.Equal(fx.OtherPackCode, XlsxReader.Text(XlsxReader.CellAt(rows[2], "C")));
        Assert.Equal(17900, XlsxReader.Fen(XlsxReader.CellAt(rows[^1], "I")));
    }
}

/// <summary>A console host with a merchant user (bound to its own merchant), a finance user and another merchant's sold pack.</summary>
public sealed class AccessFixture_Finance : IAsyncLifetime
{
    public ConsoleFactory Factory { get; } = new();
    public Dictionary<string, (string Email, string Password)> Users { get; } = [];
    public string OtherPackCode { get; } = "OTHER1";

    public async Task InitializeAsync()
    {
        Factory.CreateClient().Dispose();
        Users[AppRoles.PlatformAdmin] = (Factory.AdminEmail, Factory.AdminPassword);
        foreach (var role in new[] { AppRoles.Merchant, AppRoles.Finance })
        {
            var email = TestSecrets.NewEmail(role.ToLowerInvariant());
            Users[role] = (email, await Factory.CreateUserAsync(email, role));
        }
        var sp = Factory.Services;
        long otherMerchant;
        await using (var db = await sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
        {
            var m = new Merchant("OTHER", "Other merchant", null, DateTimeOffset.UtcNow);
            db.Merchants.Add(m);
            await db.SaveChangesAsync();
            otherMerchant = m.Id;
        }
        await sp.GetRequiredService<RuleSetService>().PublishAsync(RuleParameters.Defaults, DateTimeOffset.UtcNow.AddMilliseconds(200), "test");
        await Task.Delay(300); // publishing never takes effect in the past
        await sp.GetRequiredService<PackService>().CreateAsync(otherMerchant, OtherPackCode, "Other pack", 49900, 17900, 10);
        var stored = await sp.GetRequiredService<PackImageStore>().SaveAsync(OtherPackCode, new MemoryStream(TestImages.Png1x1), "photo.png", default);
        await sp.GetRequiredService<PackService>().SetImageAsync(OtherPackCode, stored.FileName, "test");
        await sp.GetRequiredService<PackService>().SwitchOnAsync(OtherPackCode, "test");
        var engine = sp.GetRequiredService<RewardEngineService>();
        await engine.ApplyAsync(new RegisterMember("buyer", null, DateTimeOffset.UtcNow));
        await engine.ApplyAsync(new PayPackOrder("order-1", "buyer", OtherPackCode, DateTimeOffset.UtcNow));
    }

    public async Task<HttpClient> SignedInAsync(string role)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await FormLogin.SignInAsync(client, Users[role].Email, Users[role].Password);
        return client;
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}
