using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Rules;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class SupportFundAndRuleSetTests
{
    private static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);

    private static async Task<EngineTestHost> FundOf6000Async()
    {
        var h = await EngineTestHost.CreateAsync();
        await h.At(T, new RegisterMember("P", null, T));
        await h.At(T, new AppointPartner("P", "admin:1", T));
        await h.RegisterAndPayAsync("S", "P", T.AddHours(1));
        await h.NightlyAsync(new DateOnly(2026, 1, 31)); // S's task expires: 2000 + 4000 forfeited
        return h;
    }

    [Fact]
    public async Task A_grant_moves_money_from_the_fund_to_the_member_audited_and_once()
    {
        await using var h = await FundOf6000Async();
        Assert.Equal(ApplyOutcome.Applied, await h.Fund.GrantAsync("g-1", "S", 2500, "hardship", "admin:1"));
        Assert.Equal(ApplyOutcome.AlreadyApplied, await h.Fund.GrantAsync("g-1", "S", 2500, "hardship", "admin:1"));
        await Assert.ThrowsAsync<IdempotencyConflictException>(() => h.Fund.GrantAsync("g-1", "S", 2600, "hardship", "admin:1"));
        Assert.Equal(3500, await h.Fund.GetBalanceFenAsync());
        Assert.Equal(2500, (await h.Ledger.GetBalancesAsync(await h.IdOf("S"))).AvailableFen);

        var ex = await Assert.ThrowsAsync<EngineRuleException>(() => h.Fund.GrantAsync("g-2", "S", 4000, "more", "admin:1"));
        Assert.Equal("the support fund holds 3500 fen, 500 fen short of the grant 4000", ex.Message);

        await using var db = await h.Db.CreateDbContextAsync();
        var entry = await db.LedgerEntries.SingleAsync(e => e.Kind == EntryKind.Grant);
        Assert.Equal(("grant:g-1", EntryStatus.Available, 2500L), (entry.IdempotencyKey, entry.Status, entry.AmountFen));
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "fund.grant" && a.Actor == "admin:1"));
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == "member.appoint" && a.Subject == "member:P"));
    }

    [Fact]
    public async Task Publishing_checks_limits_against_packs_refuses_the_past_and_is_audited()
    {
        await using var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = T;
        var tooRich = RuleParameters.Defaults with { DirectPartnerFen = 10100 };
        var ex = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.RuleSets.PublishAsync(tooRich, T.AddDays(1), "admin"));
        Assert.Equal("largest payout per qualifying order for GP499 is 32100 fen, 100 fen above price − cost 32000", ex.Message);
        var past = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.RuleSets.PublishAsync(RuleParameters.Defaults, T.AddDays(-1), "admin"));
        Assert.Contains("is in the past", past.Message);

        var v2 = await h.RuleSets.PublishAsync(RuleParameters.Defaults with { FreezePercent = 50 }, T.AddDays(1), "admin");
        Assert.Equal(2, v2.Version);
        Assert.Equal(20, (await h.RuleSets.GetInEffectAsync(T))!.FreezePercent);
        Assert.Equal(50, (await h.RuleSets.GetInEffectAsync(T.AddDays(1)))!.FreezePercent);
        await Assert.ThrowsAsync<ComplianceViolationException>(() => h.RuleSets.PublishAsync(RuleParameters.Defaults, T.AddDays(1), "admin"));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(2, await db.AuditLog.CountAsync(a => a.Action == "ruleset.publish"));
    }

    [Fact]
    public async Task A_pack_that_breaks_a_current_or_future_rule_set_cannot_be_switched_on()
    {
        await using var h = await EngineTestHost.CreateAsync();
        h.Clock.Now = T;
        await h.RuleSets.PublishAsync(RuleParameters.Defaults with { SeePointRewardFen = 15000 }, T.AddDays(10), "admin"); // v2: 27000
        var ex = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.Packs.CreateAsync(h.MerchantId, "BAD", "x", 0, 0, 0));
        Assert.Equal("priceFen is 0, it must be positive", ex.Message);

        await h.Packs.CreateAsync(h.MerchantId, "GP350", "Tiny", 35000, 5000, 10); // room 30000
        var refused = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.Packs.SwitchOnAsync("GP350", "admin"));
        Assert.Equal("largest payout per qualifying order for GP350 is 32000 fen, 2000 fen above price − cost 30000 (rule set v1)", refused.Message);

        h.Clock.Now = T.AddDays(10); // v1 is history now; only v2 (and later versions) bind the pack
        await h.Packs.SwitchOnAsync("GP350", "admin");
        Assert.Empty(await h.Packs.CheckAsync("GP350"));
        // And a later version that would break a pack that is on cannot be published.
        var publish = await Assert.ThrowsAsync<ComplianceViolationException>(() => h.RuleSets.PublishAsync(RuleParameters.Defaults, T.AddDays(20), "admin"));
        Assert.Contains("for GP350 is 32000 fen, 2000 fen above price − cost 30000", publish.Message);
    }
}
