using LianDong.Domain.Engine;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;

namespace LianDong.Tests.Persistence;

/// <summary>The what-if recomputes the recorded rewards of the last 30 days under a draft's amounts and percents.</summary>
public class WhatIfTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    /// <summary>Rule book section 11, steps 1–7, plus a retail order of ¥100 by G and a refunded pack order.</summary>
    private static async Task<EngineTestHost> WorkedExampleAsync()
    {
        var h = await EngineTestHost.CreateAsync();
        var at = T;
        foreach (var (m, r) in new[] { ("A", (string?)null), ("B", "A"), ("C", "A"), ("D", "A"), ("E", "D"), ("F", "D"), ("G", "D") })
        {
            await h.RegisterAndPayAsync(m, r, at);
            at = at.AddHours(1);
        }
        await h.At(at, new PayRetailOrder("r1", "G", 10000, at));
        await h.RegisterAndPayAsync("X", "G", at.AddHours(1));
        await h.At(at.AddHours(3), new RefundOrder("oX", at.AddHours(3)));
        h.Clock.Now = T.AddDays(2);
        return h;
    }

    [Fact]
    public async Task Under_the_published_rules_nothing_changes()
    {
        await using var h = await WorkedExampleAsync();
        var result = await h.WhatIf.RunAsync(RuleParameters.Defaults);
        Assert.All(result.ByKind, l => Assert.Equal(0, l.DifferenceFen));
        Assert.Equal(60000, result.ByKind.Single(l => l.Key.Contains("Direct")).CurrentFen);
        Assert.Equal(80000, result.ByKind.Single(l => l.Key.Contains("See-point")).CurrentFen);
        Assert.Equal(2000, result.ByKind.Single(l => l.Key.Contains("Peer")).CurrentFen);
        // G's ¥100 retail order: D 10% (referrer), A 3% (referrer's referrer), D 2% (team partner).
        Assert.Equal(1500, result.ByKind.Single(l => l.Key.Contains("Retail")).CurrentFen);
        Assert.Equal(142000, result.ByPack.Single(l => l.Key == "GP499").CurrentFen);
    }

    [Fact]
    public async Task A_draft_is_recomputed_per_kind_and_per_pack_with_the_rank_each_referrer_had()
    {
        await using var h = await WorkedExampleAsync();
        var progress = new List<int>();
        var draft = RuleParameters.Defaults with { DirectPartnerFen = 5000, SeePointRewardFen = 10000, PeerPercent = 20, RetailLevel1Percent = 20 };
        var result = await h.WhatIf.RunAsync(draft, 30, new SyncProgress(progress.Add));

        // Direct: A as Agent (B, C), A as Partner (D), D as Agent (E, F — F's order upgrades D after paying it), D as Partner (G).
        var direct = result.ByKind.Single(l => l.Key.Contains("Direct"));
        Assert.Equal((60000L, 4 * 10000L + 2 * 5000L), (direct.CurrentFen, direct.DraftFen));
        var seePoint = result.ByKind.Single(l => l.Key.Contains("See-point"));
        Assert.Equal((80000L, 40000L, -40000L), (seePoint.CurrentFen, seePoint.DraftFen, seePoint.DifferenceFen));
        Assert.Equal(2000, result.ByKind.Single(l => l.Key.Contains("Peer")).DraftFen);
        Assert.Equal(2000 + 300 + 200, result.ByKind.Single(l => l.Key.Contains("Retail")).DraftFen);
        Assert.Equal(50000 + 40000 + 2000, result.ByPack.Single(l => l.Key == "GP499").DraftFen);
        Assert.Contains(result.NotSimulated, n => n.StartsWith("upgradeThreshold"));
        Assert.Equal(100, progress[^1]);
    }

    [Fact]
    public async Task Rewards_older_than_the_window_are_left_out()
    {
        await using var h = await WorkedExampleAsync();
        h.Clock.Now = T.AddDays(40);
        var result = await h.WhatIf.RunAsync(RuleParameters.Defaults);
        Assert.Equal(0, result.Rewards);
        Assert.Empty(result.ByKind);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
