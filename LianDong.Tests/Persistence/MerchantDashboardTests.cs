using System.Security.Claims;
using LianDong.Console.Features.Dashboard;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Tests.Support;

namespace LianDong.Tests.Persistence;

/// <summary>A merchant's dashboard figures on a real database, from orders paid and refunded through the engine.</summary>
public class MerchantDashboardTests
{
    private static DateTimeOffset Local(int day, int hour) => new(2026, 1, day, hour, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_merchant_sees_its_own_sales_packs_payables_and_refunds_and_not_another_merchants()
    {
        // M1 (the host's merchant): GP499 (¥499, cost ¥179) and GP999 (¥999, cost ¥300) on, GP100 created but off.
        await using var h = await EngineTestHost.CreateAsync(null, ("GP499", 49900, 17900), ("GP999", 99900, 30000));
        await h.Packs.CreateAsync(h.MerchantId, "GP100", "GP100", 10000, 5000, 10);
        long other;
        await using (var db = await h.Db.CreateDbContextAsync())
        {
            var m2 = new Merchant("M2", "别家", null, h.Clock.Now);
            db.Merchants.Add(m2);
            await db.SaveChangesAsync();
            other = m2.Id;
        }
        await h.Packs.CreateAsync(other, "OTHER", "OTHER", 59900, 20000, 10);
        await h.Packs.SwitchOnAsync("OTHER", "test");

        async Task PayAsync(string member, string pack, DateTimeOffset at)
        {
            await h.At(at, new RegisterMember(member, null, at));
            await h.At(at.AddMinutes(1), new PayPackOrder("o" + member, member, pack, at.AddMinutes(1)));
        }
        await PayAsync("A", "GP499", Local(1, 9));   // 30 days
        await PayAsync("B", "GP999", Local(20, 9));  // 30 days
        await PayAsync("C", "GP499", Local(25, 9));  // 7 days
        await PayAsync("D", "GP499", Local(30, 9));  // today, refunded today
        await h.At(Local(30, 10), new RefundOrder("oD", Local(30, 10)));
        await PayAsync("X", "OTHER", Local(30, 9));  // the other merchant's
        h.Clock.Now = Local(30, 12);

        var user = new TestCurrentUser
        {
            Principal = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "m1@test"), new Claim(ClaimTypes.Role, AppRoles.Merchant), new Claim(AppClaims.MerchantId, h.MerchantId.ToString())], "test")),
        };
        var store = new DashboardSnapshotStore(new DashboardFiguresQuery(h.Db, h.Clock), h.Clock);
        var dashboard = new DashboardService(store, user, h.Db, h.Get<MerchantReportService>(), h.Clock);

        var f = await dashboard.MerchantAsync();

        Assert.NotNull(f);
        Assert.Equal(("M1", "Merchant"), (f.MerchantCode, f.MerchantName));
        Assert.Equal(new SalesWindow(1, 49900), f.Today);
        Assert.Equal(new SalesWindow(2, 99800), f.Last7Days);
        Assert.Equal(new SalesWindow(4, 3 * 49900 + 99900), f.Last30Days);
        Assert.Equal((2, 3), (f.PacksOn, f.Packs));
        Assert.Equal((new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 30)), (f.MonthFrom, f.MonthTo));
        Assert.Equal(3 * 17900 + 30000 - 17900, f.PayablesThisMonthFen); // costs sold this month less the refunded one
        Assert.Equal((1L, 49900L), (f.Refunds, f.RefundedFen));

        // A merchant user bound to no merchant gets no figures; admins and finance are not merchants here.
        user.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "m@test"), new Claim(ClaimTypes.Role, AppRoles.Merchant)], "test"));
        Assert.Null(await dashboard.MerchantAsync());
        user.SignIn("fin@test", AppRoles.Finance);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => dashboard.MerchantAsync());
    }
}
