using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using LianDong.Domain.Persistence;
using LianDong.Console.Features.Audit;
using LianDong.Console.Features.Merchants;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;

namespace LianDong.Tests.Persistence;

public class MerchantServiceTests : IAsyncLifetime
{
    private readonly ServiceHarness h = new();

    public async Task InitializeAsync()
    {
        await h.InitializeAsync();
        h.CurrentUser.SignIn("root@test.liandong.local", AppRoles.PlatformAdmin);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task Create_and_edit_are_audited_with_old_and_new_values()
    {
        var merchants = h.Get<MerchantService>();
        Assert.True((await merchants.CreateAsync(new MerchantInput { Code = "GG", Name = "好物 Good Goods", Contact = "400-800" })).Ok);
        var id = (await merchants.ListAsync()).Single().Id;
        Assert.True((await merchants.UpdateAsync(id, new MerchantInput { Code = "GG2", Name = "好物 Good Goods", Contact = "" })).Ok);

        var m = (await merchants.ListAsync()).Single();
        Assert.Equal(("GG2", "好物 Good Goods", (string?)null), (m.Code, m.Name, m.Contact));

        var page = await h.Get<AuditLogService>().PageAsync(null, 0, 10);
        Assert.Equal(2, page.Total);
        var update = page.Rows[0];
        Assert.Equal((AuditActions.MerchantUpdate, "merchant:GG", "code=GG; contact=400-800", "code=GG2; contact=(none)"),
            (update.Action, update.Subject, update.OldValue, update.NewValue));
        Assert.Equal((AuditActions.MerchantCreate, "code=GG; name=好物 Good Goods; contact=400-800"), (page.Rows[1].Action, page.Rows[1].NewValue));
    }

    [Fact]
    public async Task Duplicate_or_malformed_codes_are_refused()
    {
        var merchants = h.Get<MerchantService>();
        Assert.True((await merchants.CreateAsync(new MerchantInput { Code = "A1", Name = "A" })).Ok);
        Assert.Equal(MerchantsText.Format("Error.CodeTaken", "A1"), (await merchants.CreateAsync(new MerchantInput { Code = "A1", Name = "B" })).Error);
        Assert.Equal(MerchantsText.Get("Error.CodeFormat"), (await merchants.CreateAsync(new MerchantInput { Code = "bad code!", Name = "B" })).Error);
        Assert.Equal(MerchantsText.Get("Error.NameRequired"), (await merchants.CreateAsync(new MerchantInput { Code = "C", Name = "" })).Error);
        Assert.Single(await merchants.ListAsync());
    }

    [Fact]
    public async Task Audit_log_pages_and_filters_by_action_for_finance_too()
    {
        var merchants = h.Get<MerchantService>();
        for (var i = 0; i < 30; i++) Assert.True((await merchants.CreateAsync(new MerchantInput { Code = $"M{i:00}", Name = $"Shop {i}" })).Ok);
        var id = (await merchants.ListAsync()).First().Id;
        Assert.True((await merchants.UpdateAsync(id, new MerchantInput { Code = "M00", Name = "Renamed" })).Ok);

        h.CurrentUser.SignIn("fin@test.liandong.local", AppRoles.Finance);
        var audit = h.Get<AuditLogService>();
        var first = await audit.PageAsync(null, 0, 25);
        Assert.Equal((31, 25), (first.Total, first.Rows.Count));
        Assert.Equal(AuditActions.MerchantUpdate, first.Rows[0].Action);
        Assert.Equal(6, (await audit.PageAsync(null, 25, 25)).Rows.Count);
        var filtered = await audit.PageAsync(AuditActions.MerchantUpdate, 0, 25);
        Assert.Equal("name=Renamed", Assert.Single(filtered.Rows).NewValue);
        Assert.Equal([AuditActions.MerchantCreate, AuditActions.MerchantUpdate], first.Actions);

        h.CurrentUser.SignIn("shop@test.liandong.local", AppRoles.Merchant);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => audit.PageAsync(null, 0, 25));
    }

    [Fact]
    public async Task Audit_log_filters_by_local_date_range_in_the_platform_time_zone()
    {
        // 2026-03-01T15:59Z is still local 2026-03-01 (23:59 in Shanghai); 16:00Z is local 2026-03-02.
        await using (var db = await h.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
        {
            db.AuditLog.AddRange(
                new AuditLogEntry(new DateTimeOffset(2026, 2, 28, 16, 0, 0, TimeSpan.Zero), "a", "x.test", "s1", null, "1"),
                new AuditLogEntry(new DateTimeOffset(2026, 3, 1, 15, 59, 0, TimeSpan.Zero), "a", "x.test", "s2", null, "2"),
                new AuditLogEntry(new DateTimeOffset(2026, 3, 1, 16, 0, 0, TimeSpan.Zero), "a", "x.test", "s3", null, "3"),
                new AuditLogEntry(new DateTimeOffset(2026, 3, 5, 1, 0, 0, TimeSpan.Zero), "a", "x.test", "s4", null, "4"));
            await db.SaveChangesAsync();
        }
        h.CurrentUser.SignIn("admin@test.liandong.local", AppRoles.PlatformAdmin);
        var audit = h.Get<AuditLogService>();

        var march1 = await audit.SearchAsync(new AuditFilter("x.test", FromDate: new DateOnly(2026, 3, 1), ToDate: new DateOnly(2026, 3, 1)), 0, 25);
        Assert.Equal(["s2", "s1"], march1.Rows.Select(r => r.Subject));
        var fromMarch2 = await audit.SearchAsync(new AuditFilter("x.test", FromDate: new DateOnly(2026, 3, 2)), 0, 25);
        Assert.Equal(["s4", "s3"], fromMarch2.Rows.Select(r => r.Subject));
        var untilMarch4 = await audit.SearchAsync(new AuditFilter("x.test", ToDate: new DateOnly(2026, 3, 4)), 0, 25);
        Assert.Equal(3, untilMarch4.Total);
    }
}
