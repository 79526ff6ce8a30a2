using LianDong.Domain.Engine;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using LianDong.Domain.Packs;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.E2E;

/// <summary>
/// The browser fixture plus demo data made through the engine's services on the console's own database file: the
/// rule book's worked example 40 days ago (with names and phones for search), a nightly run that forfeits D's frozen
/// share of G's expired task into the support fund (¥60.00), and a referral 3 days ago. The engine here runs on a test
/// clock, so the past can be written without the console's "not in the past" guard being bypassed.
/// </summary>
public sealed class AdminBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await SeedAsync(Browser.Console.Database.ConnectionString);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();

    private static async Task SeedAsync(string connectionString)
    {
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(-40);
        var clock = new TestClock(start);
        await using var sp = new ServiceCollection().AddLianDongPersistence(connectionString).AddSingleton<TimeProvider>(clock).AddLianDongEngine().BuildServiceProvider();
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        long merchantId;
        await using (var db = await dbs.CreateDbContextAsync())
        {
            var merchant = new Merchant("DEMO", "演示商户", null, start);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            merchantId = merchant.Id;
        }
        await sp.GetRequiredService<RuleSetService>().PublishAsync(RuleParameters.Defaults, start, "seed");
        var packs = sp.GetRequiredService<PackService>();
        await packs.CreateAsync(merchantId, "GP499", "精选礼包", 49900, 17900, 1000);
        await packs.SwitchOnAsync("GP499", "seed");

        var engine = sp.GetRequiredService<RewardEngineService>();
        var people = new (string Id, string? Referrer, string Name, string Phone)[]
        {
            ("A", null, "王芳", "13800000001"), ("B", "A", "李雷", "13800000002"), ("C", "A", "韩梅梅", "13800000003"),
            ("D", "A", "张伟", "13800000004"), ("E", "D", "刘洋", "13800000005"), ("F", "D", "陈静", "13800000006"),
            ("G", "D", "赵敏", "13800000007"),
        };
        var at = start.AddHours(1);
        foreach (var p in people)
        {
            clock.Now = at;
            await engine.RegisterAsync(new RegisterMember(p.Id, p.Referrer, at, p.Name, p.Phone));
            await engine.PayPackAsync(new PayPackOrder("o" + p.Id, p.Id, "GP499", at.AddMinutes(1)));
            at = at.AddHours(1);
        }
        var nightlyDate = PlatformTime.LocalDate(now).AddDays(-5);
        clock.Now = PlatformTime.EndOfLocalDay(nightlyDate).AddMinutes(1);
        await sp.GetRequiredService<NightlyRunService>().RunAsync(nightlyDate, "seed");

        var recent = now.AddDays(-3);
        clock.Now = recent;
        await engine.RegisterAsync(new RegisterMember("H", "G", recent, "孙丽", "13800000008"));
        await engine.PayPackAsync(new PayPackOrder("oH", "H", "GP499", recent.AddMinutes(1)));
        await engine.RegisterAsync(new RegisterMember("I", "H", recent.AddMinutes(2), "周杰", "13800000009"));
    }
}
