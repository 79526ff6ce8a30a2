using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

/// <summary>
/// Withdrawing (撤回) a rule-set version that has not taken effect (ADR 0096): it never takes effect, every "version in
/// effect" question skips it, it is audited; a version in effect, or withdrawn, or used by an order is refused and
/// nothing changes.
/// </summary>
public class RuleSetWithdrawalTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);          // 2026-01-01 09:00 Shanghai
    private static readonly DateTimeOffset V2From = T.AddDays(1);                          // 2026-01-02 09:00 Shanghai

    private static async Task<(EngineTestHost Host, RuleSet V1, RuleSet V2)> WithScheduledV2Async()
    {
        var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = T;
        var v1 = (await h.RuleSets.GetInEffectAsync(T))!;
        var v2 = await h.RuleSets.PublishAsync(RuleParameters.Defaults with { DirectAgentFen = 5000, FreezePercent = 50 }, V2From, "admin:1");
        return (h, v1, v2);
    }

    [Fact]
    public async Task A_withdrawn_future_version_never_takes_effect_and_later_events_use_the_previous_version()
    {
        var (h, v1, v2) = await WithScheduledV2Async();
        await using var _ = h;

        var withdrawn = await h.RuleSets.WithdrawAsync(2, "admin:2");
        Assert.Equal((2, T, "admin:2"), (withdrawn.Version, withdrawn.WithdrawnAt, withdrawn.WithdrawnBy));
        Assert.False(withdrawn.CanWithdraw(T));

        // After v2's time the engine still uses v1: A (an Agent) earns v1's 10000 direct reward, not v2's 5000.
        await h.RegisterAndPayAsync("A", null, V2From.AddHours(1));
        await h.RegisterAndPayAsync("B", "A", V2From.AddHours(2));
        Assert.Equal(v1.Id, (await h.RuleSets.GetInEffectAsync(V2From.AddDays(1)))!.Id);
        await using var db = await h.Db.CreateDbContextAsync();
        var direct = await db.LedgerEntries.SingleAsync(e => e.Kind == EntryKind.Direct);
        Assert.Equal((10000L, (long?)v1.Id), (direct.AmountFen, direct.RuleSetId));
        Assert.All(await db.Orders.ToListAsync(), o => Assert.Equal(v1.Id, o.RuleSetId));

        // The row is kept for the record; the audit row holds the old and the new state.
        var row = await db.RuleSets.SingleAsync(r => r.Version == 2);
        Assert.True(row.IsWithdrawn);
        var audit = await db.AuditLog.SingleAsync(a => a.Action == "ruleset.withdraw");
        Assert.Equal(("admin:2", "ruleset:v2"), (audit.Actor, audit.Subject));
        Assert.Contains("\"status\":\"published\"", audit.OldValue);
        Assert.Contains("\"status\":\"withdrawn\"", audit.NewValue);
        Assert.Contains("\"effectiveFromInstead\":\"v1\"", audit.NewValue);
    }

    [Fact]
    public async Task After_a_withdrawal_its_time_can_be_published_again_under_a_new_number()
    {
        var (h, v1, _) = await WithScheduledV2Async();
        await using var __ = h;
        await h.RuleSets.WithdrawAsync(2, "admin:1");

        // Earlier than the withdrawn v2 (it no longer bounds the next version), then exactly its time.
        var v3 = await h.RuleSets.PublishAsync(RuleParameters.Defaults with { FreezePercent = 30 }, T.AddHours(12), "admin:1");
        var v4 = await h.RuleSets.PublishAsync(RuleParameters.Defaults with { FreezePercent = 40 }, V2From, "admin:1");
        Assert.Equal((3, 4), (v3.Version, v4.Version));
        Assert.Equal(40, (await h.RuleSets.GetInEffectAsync(V2From))!.FreezePercent);
        Assert.Equal(4, (await h.RuleSets.ListAsync()).Count);
    }

    [Fact]
    public async Task A_version_in_effect_cannot_be_withdrawn_and_nothing_changes()
    {
        var (h, _, _) = await WithScheduledV2Async();
        await using var __ = h;
        h.Clock.Now = V2From; // v2 takes effect at this very instant

        var ex = await Assert.ThrowsAsync<RuleSetWithdrawalRefusedException>(() => h.RuleSets.WithdrawAsync(2, "admin:1"));
        Assert.Equal("v2 已于 2026-01-02 09:00 (Asia/Shanghai) 生效，生效后的版本不能撤回；如需改变规则，请发布新版本。 " +
                     "v2 took effect on 2026-01-02 09:00 (Asia/Shanghai); a version in effect cannot be withdrawn. " +
                     "To change the rules from now on, publish a new version.", ex.Message);
        var v1 = await Assert.ThrowsAsync<RuleSetWithdrawalRefusedException>(() => h.RuleSets.WithdrawAsync(1, "admin:1"));
        Assert.Contains("v1 took effect on 2026-01-01 08:00 (Asia/Shanghai)", v1.Message);
        var none = await Assert.ThrowsAsync<RuleSetWithdrawalRefusedException>(() => h.RuleSets.WithdrawAsync(9, "admin:1"));
        Assert.Equal("没有版本 v9。 There is no rule-set version v9.", none.Message);

        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False(await db.RuleSets.AnyAsync(r => r.WithdrawnAt != null || r.WithdrawnBy != null));
        Assert.False(await db.AuditLog.AnyAsync(a => a.Action == "ruleset.withdraw"));
        Assert.Equal(50, (await h.RuleSets.GetInEffectAsync(V2From))!.FreezePercent);
    }

    [Fact]
    public async Task Withdrawing_twice_is_refused_and_audited_once()
    {
        var (h, _, _) = await WithScheduledV2Async();
        await using var __ = h;
        await h.RuleSets.WithdrawAsync(2, "admin:1");
        var ex = await Assert.ThrowsAsync<RuleSetWithdrawalRefusedException>(() => h.RuleSets.WithdrawAsync(2, "admin:2"));
        Assert.Contains("v2 was already withdrawn on 2026-01-01 09:00 (Asia/Shanghai) by admin:1", ex.Message);

        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "ruleset.withdraw"));
        Assert.Equal("admin:1", (await db.RuleSets.SingleAsync(r => r.Version == 2)).WithdrawnBy);
    }

    [Fact]
    public async Task A_future_version_an_order_was_already_judged_by_is_refused_by_the_compare_and_set()
    {
        var (h, _, v2) = await WithScheduledV2Async();
        await using var __ = h;
        // The storefront's clock runs ahead of ours: an order dated after v2's time arrives while v2 is still "future".
        await h.Engine.ApplyAsync(new RegisterMember("A", null, V2From.AddHours(1)));
        await h.Engine.ApplyAsync(new PayPackOrder("oA", "A", "GP499", V2From.AddHours(1)));
        h.Clock.Now = T;

        var ex = await Assert.ThrowsAsync<RuleSetWithdrawalRefusedException>(() => h.RuleSets.WithdrawAsync(2, "admin:1"));
        Assert.Contains("v2 has already been used for orders and cannot be withdrawn", ex.Message);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Null((await db.RuleSets.SingleAsync(r => r.Id == v2.Id)).WithdrawnAt);
        Assert.False(await db.AuditLog.AnyAsync(a => a.Action == "ruleset.withdraw"));
    }

    [Fact]
    public async Task Switching_a_pack_on_ignores_a_withdrawn_version_and_payouts_use_the_version_in_effect()
    {
        await using var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = T;
        await h.Packs.SwitchOffAsync("GP499", "admin:1");
        // v2 pays 10000 + 25000 + 2500 = 37500, above GP499's 32000: with v2 scheduled GP499 cannot go on sale.
        await h.RuleSets.PublishAsync(RuleParameters.Defaults with { SeePointRewardFen = 25000, MinPayoutFen = 99900 }, V2From, "admin:1");
        var refused = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.Packs.SwitchOnAsync("GP499", "admin:1"));
        Assert.Contains("(rule set v2)", refused.Message);

        await h.RuleSets.WithdrawAsync(2, "admin:1");
        await h.Packs.SwitchOnAsync("GP499", "admin:1");
        Assert.Empty(await h.Packs.CheckAsync("GP499"));

        h.Clock.Now = V2From.AddDays(1);
        var preview = await h.Get<LianDong.Domain.Payouts.PayoutService>().PreviewAsync();
        Assert.Equal(RuleParameters.Defaults.MinPayoutFen, preview.MinPayoutFen);
    }
}
