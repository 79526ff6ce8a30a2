using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace LianDong.Domain.Rewards;

/// <summary>
/// Applies storefront and admin events: registrations, pack and retail payments, refunds, appointments.
/// Each call is one transaction; <see cref="ApplyBatchAsync"/> applies many events in one transaction (all or
/// nothing) for bulk ingest. A second delivery of the same id with the same content reports
/// <see cref="ApplyOutcome.AlreadyApplied"/> and changes nothing; with different content it throws
/// <see cref="IdempotencyConflictException"/>.
/// </summary>
public sealed class RewardEngineService(IDbContextFactory<LianDongDbContext> dbFactory)
{
    public Task<ApplyOutcome> RegisterAsync(RegisterMember e, CancellationToken ct = default) => ApplyAsync(e, ct);
    public Task<ApplyOutcome> PayPackAsync(PayPackOrder e, CancellationToken ct = default) => ApplyAsync(e, ct);
    public Task<ApplyOutcome> PayRetailAsync(PayRetailOrder e, CancellationToken ct = default) => ApplyAsync(e, ct);
    public Task<ApplyOutcome> RefundAsync(RefundOrder e, CancellationToken ct = default) => ApplyAsync(e, ct);
    public Task<ApplyOutcome> AppointPartnerAsync(AppointPartner e, CancellationToken ct = default) => ApplyAsync(e, ct);

    public async Task<ApplyOutcome> ApplyAsync(EngineEvent e, CancellationToken ct = default) => (await ApplyBatchAsync([e], ct))[0];

    public async Task<IReadOnlyList<ApplyOutcome>> ApplyBatchAsync(IReadOnlyList<EngineEvent> events, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var applier = new EventApplier(db);
        var outcomes = new List<ApplyOutcome>(events.Count);
        foreach (var e in events) outcomes.Add(await applier.ApplyAsync(e, ct));
        await tx.CommitAsync(ct);
        return outcomes;
    }
}

/// <summary>Applies events on one context inside the caller's transaction. Loads state, asks the pure rules, persists.</summary>
internal sealed class EventApplier(LianDongDbContext db)
{
    private const int ChainChunk = 16;
    private List<RuleSet>? _ruleSets;

    public async Task<ApplyOutcome> ApplyAsync(EngineEvent e, CancellationToken ct)
    {
        var outcome = e switch
        {
            RegisterMember r => await RegisterAsync(r, ct),
            PayPackOrder p => await PayPackAsync(p, ct),
            PayRetailOrder r => await PayRetailAsync(r, ct),
            RefundOrder r => await RefundAsync(r, ct),
            AppointPartner a => await AppointAsync(a, ct),
            _ => throw new EngineRuleException($"unknown event type {e.GetType().Name}"),
        };
        await db.SaveChangesAsync(ct);
        // Everything is written; a batch must not drag a growing change tracker from event to event.
        db.ChangeTracker.Clear();
        return outcome;
    }

    // ---- registration -------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> RegisterAsync(RegisterMember e, CancellationToken ct)
    {
        var existing = await db.Members.AsNoTracking().Where(m => m.ExternalId == e.MemberId)
            .Select(m => new { m.RegisteredAt, Referrer = db.Members.Where(r => r.Id == m.ReferrerId).Select(r => r.ExternalId).FirstOrDefault() })
            .FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            if (existing.Referrer == e.ReferrerId && existing.RegisteredAt == e.At) return ApplyOutcome.AlreadyApplied;
            throw new IdempotencyConflictException("member", e.MemberId,
                existing.Referrer != e.ReferrerId ? $"referrer \"{existing.Referrer}\" ≠ \"{e.ReferrerId}\"" : $"registered at {existing.RegisteredAt:O} ≠ {e.At:O}");
        }
        Member? referrer = null;
        if (e.ReferrerId is not null)
        {
            if (e.ReferrerId == e.MemberId) throw new EngineRuleException($"member \"{e.MemberId}\" cannot refer itself");
            referrer = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.ExternalId == e.ReferrerId, ct)
                ?? throw new UnknownReferenceException("referrer", e.ReferrerId);
        }
        var member = new Member(e.MemberId, referrer, e.At, e.Name, e.Phone);
        db.Members.Add(member);
        await db.SaveChangesAsync(ct);
        await MemberTreeWriter.AdjustAncestorsAsync(db, member.AncestorIds, 1, 0, 0, ct);
        return ApplyOutcome.Applied;
    }

    // ---- gift-pack orders ---------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> PayPackAsync(PayPackOrder e, CancellationToken ct)
    {
        if (await CheckExistingOrderAsync(e.OrderId, OrderKind.Pack, e.MemberId, e.PackCode, 0, e.At, ct)) return ApplyOutcome.AlreadyApplied;
        var buyer = await db.Members.FirstOrDefaultAsync(m => m.ExternalId == e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == e.PackCode, ct) ?? throw new UnknownReferenceException("pack", e.PackCode);
        var ruleSet = await RuleSetAtAsync(e.At, ct);
        pack.RecordSale();

        if (buyer.Rank != MemberRank.Member)
        {
            // A repeat order: recorded and counted as a sale, no 2+1 rewards.
            db.Orders.Add(Order.ForPack(e.OrderId, buyer.Id, pack, e.At, ruleSet.Id, qualifying: false));
            return ApplyOutcome.Applied;
        }

        var rules = ruleSet.Parameters;
        var ancestorIds = buyer.AncestorIds;
        var states = new Dictionary<long, MemberState>();
        var buyerState = await StateOfAsync(buyer, ct);
        MemberState? r = null, rr = null, leader = null, seedOfLeader = null;
        if (ancestorIds.Count > 0)
        {
            var teamOfR = await ResolveTeamOfAsync(ancestorIds, self: null, states, ct);
            r = states[ancestorIds[^1]];
            if (ancestorIds.Count > 1) rr = await StateAsync(ancestorIds[^2], states, ct);
            if (teamOfR is long l)
            {
                leader = await StateAsync(l, states, ct);
                var seedDepth = leader.Depth + 1;
                seedOfLeader = seedDepth == buyer.Depth ? buyerState : await StateAsync(ancestorIds[seedDepth], states, ct);
            }
        }

        var plan = RewardCalculator.ForQualifyingOrder(new QualifyingOrderInput(buyerState, r, rr, leader, seedOfLeader, rules));

        var order = Order.ForPack(e.OrderId, buyer.Id, pack, e.At, ruleSet.Id, qualifying: true);
        db.Orders.Add(order);
        await db.SaveChangesAsync(ct);

        // Step 1: placement (and the seed's channel task).
        buyer.BecomeAgent(plan.LeaderId);
        await MemberTreeWriter.LeaderChangedAsync(db, null, plan.LeaderId, ct);
        db.MemberRankChanges.Add(new MemberRankChange(buyer.Id, MemberRank.Member, MemberRank.Agent, e.At, "qualifyingOrder", order.Id));
        await MemberTreeWriter.RankChangedAsync(db, buyer, MemberRank.Member, MemberRank.Agent, ct);
        if (plan.SeedTaskPartnerId is long partnerId)
        {
            var deadline = ChannelTaskPolicy.DeadlineFor(e.At, rules.TaskDays);
            var task = new ChannelTask(buyer.Id, partnerId, order.Id, ruleSet.Id, rules.TaskKind, rules.TaskTarget, e.At, deadline, PlatformTime.LocalDate(deadline));
            db.ChannelTasks.Add(task);
            await db.SaveChangesAsync(ct);
            buyer.SetLatestTask(task.Id);
        }

        // Steps 2–3: the rewards, and what compliance withheld.
        long? TaskOf(long seedId) => seedId == buyer.Id ? buyer.LatestTaskId : states[seedId].LatestTaskId;
        Post(order, ruleSet, e.At, plan.Entries, TaskOf);
        Withhold(order, ruleSet, e.At, plan.Withheld);

        // Step 4: the referrer's count and upgrade.
        if (plan.CountsForReferrer)
        {
            var referrer = await db.Members.FirstAsync(m => m.Id == r!.Id, ct);
            referrer.CountQualifiedReferral();
            order.MarkCounted(referrer.Id);
            if (plan.ReferrerBecomesPartner)
            {
                var oldLeader = referrer.LeaderId;
                referrer.BecomePartner(plan.ReferrerPeerBeneficiaryId);
                await MemberTreeWriter.LeaderChangedAsync(db, oldLeader, null, ct);
                db.MemberRankChanges.Add(new MemberRankChange(referrer.Id, MemberRank.Agent, MemberRank.Partner, e.At, "upgrade", order.Id));
                await MemberTreeWriter.RankChangedAsync(db, referrer, MemberRank.Agent, MemberRank.Partner, ct);
            }
        }

        // Step 5: channel-task progress of the referrer (a seed whose direct referral just became an Agent).
        if (r?.LatestTaskId is long rTaskId && r.LatestTaskStatus == ChannelTaskStatus.Open)
        {
            var task = await db.ChannelTasks.FirstAsync(t => t.Id == rTaskId, ct);
            if (task.Kind == ChannelTaskKind.QualifiedReferrals) task.RecordProgress(e.At);
        }
        return ApplyOutcome.Applied;
    }

    // ---- retail orders ------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> PayRetailAsync(PayRetailOrder e, CancellationToken ct)
    {
        if (e.AmountFen <= 0) throw new EngineRuleException($"retail order \"{e.OrderId}\" has a non-positive amount {e.AmountFen}");
        if (await CheckExistingOrderAsync(e.OrderId, OrderKind.Retail, e.MemberId, null, e.AmountFen, e.At, ct)) return ApplyOutcome.AlreadyApplied;
        var buyer = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.ExternalId == e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
        var ruleSet = await RuleSetAtAsync(e.At, ct);
        var ancestorIds = buyer.AncestorIds;
        var states = new Dictionary<long, MemberState>();
        var buyerState = await StateOfAsync(buyer, ct);
        states[buyer.Id] = buyerState;
        var team = await ResolveTeamOfAsync(ancestorIds, buyerState, states, ct);
        var level1 = ancestorIds.Count > 0 ? await StateAsync(ancestorIds[^1], states, ct) : null;
        var level2 = ancestorIds.Count > 1 ? await StateAsync(ancestorIds[^2], states, ct) : null;
        var teamState = team is long t ? await StateAsync(t, states, ct) : null;

        var (entries, withheld) = RetailCommissionCalculator.ForRetailOrder(
            new RetailOrderInput(buyerState, level1, level2, teamState, e.AmountFen, ruleSet.Parameters));

        var order = Order.ForRetail(e.OrderId, buyer.Id, e.AmountFen, e.At, ruleSet.Id);
        db.Orders.Add(order);
        await db.SaveChangesAsync(ct);
        Post(order, ruleSet, e.At, entries, _ => null);
        Withhold(order, ruleSet, e.At, withheld);

        if (buyerState.LatestTaskId is long taskId && buyerState.LatestTaskStatus == ChannelTaskStatus.Open)
        {
            var task = await db.ChannelTasks.FirstAsync(x => x.Id == taskId, ct);
            if (task.Kind == ChannelTaskKind.RetailOrders) task.RecordProgress(e.At);
        }
        return ApplyOutcome.Applied;
    }

    // ---- refunds ------------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> RefundAsync(RefundOrder e, CancellationToken ct)
    {
        var order = await db.Orders.FirstOrDefaultAsync(o => o.ExternalId == e.OrderId, ct) ?? throw new UnknownReferenceException("order", e.OrderId);
        if (order.IsRefunded) return ApplyOutcome.AlreadyApplied; // refunding twice changes nothing
        order.MarkRefunded(e.At);
        var actor = $"refund:{e.OrderId}";
        var postingDate = PlatformTime.LocalDate(e.At);

        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(x => x.OrderId == order.Id && x.Kind != EntryKind.Clawback).OrderBy(x => x.Id).ToListAsync(ct);
        foreach (var entry in entries)
        {
            switch (entry.Status)
            {
                case EntryStatus.Pending or EntryStatus.Frozen:
                    await LedgerStatusMover.MoveAsync(db, entry.Id, entry.Status, EntryStatus.Cancelled, e.At, actor, null, ct);
                    break;
                case EntryStatus.Available or EntryStatus.Paid:
                    db.LedgerEntries.Add(new LedgerEntry(entry.BeneficiaryId, EntryKind.Clawback, -entry.AmountFen, order.Id, entry.RuleSetId,
                        entry.ChannelTaskId, entry.Id, e.At, postingDate, postingDate, LedgerTransitions.KeyForClawback(entry.Id), EntryStatus.Available));
                    break;
                case EntryStatus.Forfeited:
                    db.SupportFundMovements.Add(SupportFundMovement.TakeBack(entry, e.At, actor));
                    break;
            }
        }

        if (order.IsQualifying)
        {
            var buyer = await db.Members.FirstAsync(m => m.Id == order.MemberId, ct);
            if (buyer.Rank == MemberRank.Agent)
            {
                var oldLeader = buyer.LeaderId;
                buyer.RevertToMember();
                await MemberTreeWriter.LeaderChangedAsync(db, oldLeader, null, ct);
                db.MemberRankChanges.Add(new MemberRankChange(buyer.Id, MemberRank.Agent, MemberRank.Member, e.At, "refund", order.Id));
                await MemberTreeWriter.RankChangedAsync(db, buyer, MemberRank.Agent, MemberRank.Member, ct);
            }
            if (order.CountedForMemberId is long counted)
                (await db.Members.FirstAsync(m => m.Id == counted, ct)).UncountQualifiedReferral();
            if (buyer.LatestTaskId is long taskId)
                (await db.ChannelTasks.FirstAsync(t => t.Id == taskId, ct)).Cancel(e.At);
        }
        return ApplyOutcome.Applied;
    }

    // ---- appointment --------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> AppointAsync(AppointPartner e, CancellationToken ct)
    {
        var member = await db.Members.FirstOrDefaultAsync(m => m.ExternalId == e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
        if (member.Rank == MemberRank.Partner) return ApplyOutcome.AlreadyApplied; // promoting a Partner is a no-op
        MemberState? referrer = member.ReferrerId is long rid ? (await LoadStatesAsync([rid], ct))[rid] : null;
        var from = member.Rank;
        var oldLeader = member.LeaderId;
        member.BecomePartner(PlacementPolicy.PeerBeneficiaryFor(referrer));
        await MemberTreeWriter.LeaderChangedAsync(db, oldLeader, null, ct);
        db.MemberRankChanges.Add(new MemberRankChange(member.Id, from, MemberRank.Partner, e.At, "appointment", null));
        await MemberTreeWriter.RankChangedAsync(db, member, from, MemberRank.Partner, ct);
        db.AuditLog.Add(new AuditLogEntry(e.At, e.Actor, "member.appoint", $"member:{member.ExternalId}",
            JsonSerializer.Serialize(new { rank = from.ToString(), leaderId = oldLeader }),
            JsonSerializer.Serialize(new { rank = nameof(MemberRank.Partner), peerBeneficiaryId = member.PeerBeneficiaryId })));
        return ApplyOutcome.Applied;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>True when this exact order was applied before; throws when the id was used with other content.</summary>
    private async Task<bool> CheckExistingOrderAsync(string orderId, OrderKind kind, string memberId, string? packCode, long amountFen, DateTimeOffset at, CancellationToken ct)
    {
        var existing = await db.Orders.AsNoTracking().Where(o => o.ExternalId == orderId)
            .Select(o => new
            {
                o.Kind, o.PriceFen, o.PaidAt,
                Member = db.Members.Where(m => m.Id == o.MemberId).Select(m => m.ExternalId).First(),
                Pack = db.GiftPacks.Where(p => p.Id == o.PackId).Select(p => p.Code).FirstOrDefault(),
            }).FirstOrDefaultAsync(ct);
        if (existing is null) return false;
        string? diff =
            existing.Kind != kind ? $"kind {existing.Kind} ≠ {kind}" :
            existing.Member != memberId ? $"member \"{existing.Member}\" ≠ \"{memberId}\"" :
            kind == OrderKind.Pack && existing.Pack != packCode ? $"pack \"{existing.Pack}\" ≠ \"{packCode}\"" :
            kind == OrderKind.Retail && existing.PriceFen != amountFen ? $"amount {existing.PriceFen} ≠ {amountFen} fen" :
            existing.PaidAt != at ? $"paid at {existing.PaidAt:O} ≠ {at:O}" : null;
        return diff is null ? true : throw new IdempotencyConflictException("order", orderId, diff);
    }

    /// <summary>The version in effect at <paramref name="at"/>. Versions are immutable, so a batch reads them once.</summary>
    private async Task<RuleSet> RuleSetAtAsync(DateTimeOffset at, CancellationToken ct)
    {
        _ruleSets ??= await db.RuleSets.AsNoTracking().OrderBy(x => x.EffectiveFrom).ToListAsync(ct);
        for (var i = _ruleSets.Count - 1; i >= 0; i--)
            if (_ruleSets[i].EffectiveFrom <= at) return _ruleSets[i];
        throw new EngineRuleException($"no rule set is in effect at {at:O}");
    }

    /// <summary>
    /// teamOf over the chain [self?, referrer, referrer's referrer, …], loading ancestors nearest-first in chunks
    /// (one query per chunk) until the rule resolves. Ancestor ids come from the materialized path.
    /// </summary>
    private async Task<long?> ResolveTeamOfAsync(IReadOnlyList<long> ancestorIds, MemberState? self, Dictionary<long, MemberState> states, CancellationToken ct)
    {
        var chain = new List<MemberState>();
        if (self is not null) chain.Add(self);
        var next = ancestorIds.Count - 1;
        while (true)
        {
            var (resolved, team) = PlacementPolicy.TeamOf(chain);
            if (resolved || next < 0) return resolved ? team : null;
            var ids = new List<long>();
            for (var i = 0; i < ChainChunk && next >= 0; i++, next--) ids.Add(ancestorIds[next]);
            var loaded = await LoadStatesAsync(ids.Where(id => !states.ContainsKey(id)).ToList(), ct);
            foreach (var (id, s) in loaded) states[id] = s;
            chain.AddRange(ids.Select(id => states[id]));
        }
    }

    /// <summary>The snapshot of a member already loaded (one small query only when it has a task).</summary>
    private async Task<MemberState> StateOfAsync(Member m, CancellationToken ct)
    {
        var taskStatus = m.LatestTaskId is long t
            ? await db.ChannelTasks.AsNoTracking().Where(x => x.Id == t).Select(x => (ChannelTaskStatus?)x.Status).FirstAsync(ct)
            : null;
        return new MemberState(m.Id, m.Depth, m.Rank, m.ReferrerId, m.LeaderId, m.PeerBeneficiaryId, m.QualifiedReferrals, m.LatestTaskId, taskStatus);
    }

    private async Task<MemberState> StateAsync(long id, Dictionary<long, MemberState> states, CancellationToken ct)
    {
        if (!states.TryGetValue(id, out var s)) states[id] = s = (await LoadStatesAsync([id], ct))[id];
        return s;
    }

    private async Task<Dictionary<long, MemberState>> LoadStatesAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var arr = ids.ToArray();
        var rows = await db.Members.AsNoTracking().Where(m => arr.Contains(m.Id))
            .Select(m => new
            {
                m.Id, m.Depth, m.Rank, m.ReferrerId, m.LeaderId, m.PeerBeneficiaryId, m.QualifiedReferrals, m.LatestTaskId,
                TaskStatus = db.ChannelTasks.Where(t => t.Id == m.LatestTaskId).Select(t => (ChannelTaskStatus?)t.Status).FirstOrDefault(),
            }).ToListAsync(ct);
        // Within an event a tracked member or task may already hold changes not yet saved; those win.
        var result = new Dictionary<long, MemberState>();
        foreach (var x in rows)
        {
            var tracked = db.Members.Local.FindEntry(x.Id)?.Entity;
            var taskStatus = x.TaskStatus;
            var latestTask = tracked?.LatestTaskId ?? x.LatestTaskId;
            var trackedTask = latestTask is long lt ? db.ChannelTasks.Local.FindEntry(lt)?.Entity : null;
            if (trackedTask is not null) taskStatus = trackedTask.Status;
            result[x.Id] = tracked is null
                ? new MemberState(x.Id, x.Depth, x.Rank, x.ReferrerId, x.LeaderId, x.PeerBeneficiaryId, x.QualifiedReferrals, x.LatestTaskId, taskStatus)
                : new MemberState(x.Id, tracked.Depth, tracked.Rank, tracked.ReferrerId, tracked.LeaderId, tracked.PeerBeneficiaryId,
                    tracked.QualifiedReferrals, tracked.LatestTaskId, taskStatus);
        }
        foreach (var id in ids)
            if (!result.ContainsKey(id)) throw new InvalidOperationException($"member {id} on a referral path does not exist");
        return result;
    }

    private void Post(Order order, RuleSet ruleSet, DateTimeOffset at, IReadOnlyList<PlannedEntry> planned, Func<long, long?> taskOfSeed)
    {
        var postingDate = PlatformTime.LocalDate(at);
        var settlesOn = postingDate.AddDays(ruleSet.SettlementDelayDays);
        foreach (var p in planned)
        {
            var taskId = p.Frozen ? taskOfSeed(p.FreezeSeedId!.Value) ?? throw new InvalidOperationException("A frozen share needs the seed's task.") : (long?)null;
            db.LedgerEntries.Add(new LedgerEntry(p.BeneficiaryId, p.Kind, p.AmountFen, order.Id, ruleSet.Id, taskId, null, at, postingDate, settlesOn,
                LedgerTransitions.KeyForOrderReward(order.Id, p.Slot, p.BeneficiaryId, p.Frozen), p.Frozen ? EntryStatus.Frozen : EntryStatus.Pending));
        }
    }

    private void Withhold(Order order, RuleSet ruleSet, DateTimeOffset at, IReadOnlyList<PlannedWithheld> withheld)
    {
        foreach (var w in withheld)
            db.WithheldRewards.Add(new WithheldReward(order.Id, w.BeneficiaryId, w.Kind, w.Slot, w.AmountFen, w.Distance, w.Reason, ruleSet.Id, at));
    }
}
