using LianDong.Domain.Engine;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

/// <summary>
/// The worked example in a running console's database, in the past: the default rule set published as of
/// <paramref name="t0"/> (with a clock set then, as publishing never back-dates), a merchant with pack GP499, A..G's
/// orders just after <paramref name="t0"/>, and the nightly run of <paramref name="night"/>. Returns the merchant's id.
/// </summary>
public static class PastWorkedExample
{
    public static async Task<long> SeedAsync(IServiceProvider sp, string merchantCode, DateTimeOffset t0, DateOnly night)
    {
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        await new RuleSetService(dbs, new TestClock(t0.AddMinutes(-1))).PublishAsync(RuleParameters.Defaults, t0, "test");
        long merchantId;
        await using (var db = await dbs.CreateDbContextAsync())
        {
            var m = new Merchant(merchantCode, $"链动优选 {merchantCode} shop", null, t0);
            db.Merchants.Add(m);
            await db.SaveChangesAsync();
            merchantId = m.Id;
        }
        var packs = sp.GetRequiredService<PackService>();
        await packs.CreateAsync(merchantId, "GP499", "GP499", 49900, 17900, 1000);
        await packs.SwitchOnAsync("GP499", "test");
        var engine = sp.GetRequiredService<RewardEngineService>();
        var at = t0.AddMinutes(1);
        foreach (var (m, r) in new[] { ("A", (string?)null), ("B", "A"), ("C", "A"), ("D", "A"), ("E", "D"), ("F", "D"), ("G", "D") })
        {
            at = at.AddMinutes(2);
            await engine.ApplyAsync(new RegisterMember(m, r, at));
            await engine.ApplyAsync(new PayPackOrder("o" + m, m, "GP499", at.AddMinutes(1)));
        }
        await sp.GetRequiredService<NightlyRunService>().RunAsync(night, "test");
        return merchantId;
    }
}
