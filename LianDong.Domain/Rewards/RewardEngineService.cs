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
/// nothing) for bulk ingest, and <see cref="ApplyAsync"/> is a batch of one (the same code). Within a batch the events
/// are applied in order and each sees the effects of the ones before it. A second delivery of the same id with the same content reports
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
        await db.UseWriterCacheAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A new unit of work per call: nothing it caches or holds in memory outlives this transaction.
        using var applier = new EventApplier(db);
        await applier.PrefetchAsync(events, ct);
        var outcomes = new List<ApplyOutcome>(events.Count);
        foreach (var e in events) outcomes.Add(await applier.ApplyAsync(e, ct));
        applier.Flush();
        await tx.CommitAsync(ct);
        return outcomes;
    }
}

/// <summary>
/// The unit of work of one batch, inside the caller's transaction: loads the state the batch names once (members by
/// external id and every ancestor on their paths, orders by external id, their tasks, packs, rule sets) with set-based
/// queries, keeps it in memory while the pure rules decide, inserts new rows at once through prepared commands
/// (<see cref="EngineRowWriter"/>, client-side ids) and writes changed rows and the summed tree-counter deltas once, in
/// <see cref="Flush"/>. Whatever the prefetch missed is loaded on demand. Events are applied one after another on the
/// in-memory state, so a later event sees every effect of an earlier one in the same batch.
/// </summary>
internal sealed class EventApplier(LianDongDbContext db) : IDisposable
{
    private const int ChainChunk = 16;
    private readonly EngineRowWriter _rows = new(db);
    private readonly MemberTreeWriter _tree = new();
    private readonly Dictionary<long, Member> _membersById = [];
    /// <summary>By external id; a null value records that the member does not exist (yet).</summary>
    private readonly Dictionary<string, Member?> _membersByExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Order?> _ordersByExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ChannelTask> _tasks = [];
    private Dictionary<string, GiftPack>? _packsByCode;
    private List<RuleSet>? _ruleSets;

    public void Dispose() => _rows.Dispose();

    // ---- loading ------------------------------------------------------------------------------------------------

    /// <summary>Loads, with a handful of set-based queries, what the batch's events name and the paths above them.</summary>
    public async Task PrefetchAsync(IReadOnlyList<EngineEvent> events, CancellationToken ct)
    {
        var memberIds = new HashSet<string>(StringComparer.Ordinal);
        var orderIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            switch (e)
            {
                case RegisterMember r: memberIds.Add(r.MemberId); if (r.ReferrerId is not null) memberIds.Add(r.ReferrerId); break;
                case PayPackOrder p: memberIds.Add(p.MemberId); orderIds.Add(p.OrderId); break;
                case PayRetailOrder r: memberIds.Add(r.MemberId); orderIds.Add(r.OrderId); break;
                case RefundOrder r: orderIds.Add(r.OrderId); break;
                case AppointPartner a: memberIds.Add(a.MemberId); break;
            }
        }
        if (memberIds.Count > 0)
        {
            var names = memberIds.ToArray();
            foreach (var m in await db.Members.AsNoTracking().Where(m => names.Contains(m.ExternalId)).ToListAsync(ct)) Remember(m);
            foreach (var name in names) _membersByExternalId.TryAdd(name, null);
        }
        var ids = new HashSet<long>();
        if (orderIds.Count > 0)
        {
            var names = orderIds.ToArray();
            foreach (var o in await db.Orders.AsNoTracking().Where(o => names.Contains(o.ExternalId)).ToListAsync(ct))
            {
                _ordersByExternalId[o.ExternalId] = o;
                ids.Add(o.MemberId);
                if (o.CountedForMemberId is long c) ids.Add(c);
            }
            foreach (var name in names) _ordersByExternalId.TryAdd(name, null);
        }
        foreach (var m in _membersById.Values)
            foreach (var a in m.AncestorIds) ids.Add(a);
        await LoadMembersAsync(ids, ct);
        // Members loaded for orders bring their own paths (refunds, repeat buyers).
        await LoadMembersAsync(_membersById.Values.SelectMany(m => m.AncestorIds).ToHashSet(), ct);
        await LoadTasksAsync(_membersById.Values.Select(m => m.LatestTaskId).OfType<long>().ToHashSet(), ct);
    }

    private void Remember(Member m)
    {
        _membersById[m.Id] = m;
        _membersByExternalId[m.ExternalId] = m;
    }

    private async Task LoadMembersAsync(IEnumerable<long> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !_membersById.ContainsKey(id)).ToArray();
        if (missing.Length == 0) return;
        foreach (var m in await db.Members.AsNoTracking().Where(m => missing.Contains(m.Id)).ToListAsync(ct)) Remember(m);
    }

    private async Task LoadTasksAsync(IEnumerable<long> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !_tasks.ContainsKey(id)).ToArray();
        if (missing.Length == 0) return;
        foreach (var t in await db.ChannelTasks.AsNoTracking().Where(t => missing.Contains(t.Id)).ToListAsync(ct)) _tasks[t.Id] = t;
    }

    private async Task<Member?> MemberByExternalIdAsync(string externalId, CancellationToken ct)
    {
        if (_membersByExternalId.TryGetValue(externalId, out var m)) return m;
        m = await db.Members.AsNoTracking().FirstOrDefaultAsync(x => x.ExternalId == externalId, ct);
        if (m is null) _membersByExternalId[externalId] = null; else Remember(m);
        return m;
    }

    private async Task<Member> MemberAsync(long id, CancellationToken ct)
    {
        if (_membersById.TryGetValue(id, out var m)) return m;
        await LoadMembersAsync([id], ct);
        return _membersById.TryGetValue(id, out m) ? m : throw new InvalidOperationException($"member {id} on a referral path does not exist");
    }

    private async Task<ChannelTask> TaskAsync(long id, CancellationToken ct)
    {
        if (_tasks.TryGetValue(id, out var t)) return t;
        await LoadTasksAsync([id], ct);
        return _tasks.TryGetValue(id, out t) ? t : throw new InvalidOperationException($"channel task {id} does not exist");
    }

    private async Task<Order?> OrderByExternalIdAsync(string externalId, CancellationToken ct)
    {
        if (_ordersByExternalId.TryGetValue(externalId, out var o)) return o;
        o = await db.Orders.AsNoTracking().FirstOrDefaultAsync(x => x.ExternalId == externalId, ct);
        _ordersByExternalId[externalId] = o;
        return o;
    }

    private async Task<Dictionary<string, GiftPack>> PacksAsync(CancellationToken ct) =>
        _packsByCode ??= (await db.GiftPacks.AsNoTracking().ToListAsync(ct)).ToDictionary(p => p.Code, StringComparer.Ordinal);

    /// <summary>
    /// The version in effect at <paramref name="at"/>, withdrawn versions ignored. Read once per batch, inside its
    /// write transaction, so a withdrawal is either wholly before the batch or wholly after it.
    /// </summary>
    private async Task<RuleSet> RuleSetAtAsync(DateTimeOffset at, CancellationToken ct)
    {
        _ruleSets ??= await db.RuleSets.AsNoTracking().NotWithdrawn().OrderBy(x => x.EffectiveFrom).ToListAsync(ct);
        for (var i = _ruleSets.Count - 1; i >= 0; i--)
            if (_ruleSets[i].EffectiveFrom <= at) return _ruleSets[i];
        throw new EngineRuleException($"no rule set is in effect at {at:O}");
    }

    /// <summary>What the pure rules see of a member now (its latest task's status included).</summary>
    private async Task<MemberState> StateOfAsync(Member m, CancellationToken ct)
    {
        ChannelTaskStatus? taskStatus = m.LatestTaskId is long t ? (await TaskAsync(t, ct)).Status : null;
        return new MemberState(m.Id, m.Depth, m.Rank, m.ReferrerId, m.LeaderId, m.PeerBeneficiaryId, m.QualifiedReferrals, m.LatestTaskId, taskStatus);
    }

    private async Task<MemberState> StateAsync(long id, Dictionary<long, MemberState> states, CancellationToken ct)
    {
        if (!states.TryGetValue(id, out var s)) states[id] = s = await StateOfAsync(await MemberAsync(id, ct), ct);
        return s;
    }

    /// <summary>teamOf over the chain [self?, referrer, referrer's referrer, …], extended nearest-first until the rule resolves.</summary>
    private async Task<long?> ResolveTeamOfAsync(IReadOnlyList<long> ancestorIds, MemberState? self, Dictionary<long, MemberState> states, CancellationToken ct)
    {
        var chain = new List<MemberState>();
        if (self is not null) chain.Add(self);
        var next = ancestorIds.Count - 1;
        while (true)
        {
            var (resolved, team) = PlacementPolicy.TeamOf(chain);
            if (resolved || next < 0) return resolved ? team : null;
            for (var i = 0; i < ChainChunk && next >= 0; i++, next--) chain.Add(await StateAsync(ancestorIds[next], states, ct));
        }
    }

    // ---- applying -----------------------------------------------------------------------------------------------

    public async Task<ApplyOutcome> ApplyAsync(EngineEvent e, CancellationToken ct) => e switch
    {
        RegisterMember r => await RegisterAsync(r, ct),
        PayPackOrder p => await PayPackAsync(p, ct),
        PayRetailOrder r => await PayRetailAsync(r, ct),
        RefundOrder r => await RefundAsync(r, ct),
        AppointPartner a => await AppointAsync(a, ct),
        _ => throw new EngineRuleException($"unknown event type {e.GetType().Name}"),
    };

    /// <summary>Writes the batch's changed rows (each once) and the summed tree-counter deltas.</summary>
    public void Flush()
    {
        _rows.FlushUpdates();
        _tree.Flush(_rows);
    }

    // ---- registration -------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> RegisterAsync(RegisterMember e, CancellationToken ct)
    {
        var existing = await MemberByExternalIdAsync(e.MemberId, ct);
        if (existing is not null)
        {
            var existingReferrer = existing.ReferrerId is long rid ? (await MemberAsync(rid, ct)).ExternalId : null;
            if (existingReferrer == e.ReferrerId && existing.RegisteredAt == e.At) return ApplyOutcome.AlreadyApplied;
            throw new IdempotencyConflictException("member", e.MemberId,
                existingReferrer != e.ReferrerId ? $"referrer \"{existingReferrer}\" ≠ \"{e.ReferrerId}\""
                    : $"registered at {existing.RegisteredAt.ToUniversalTime():O} ≠ {e.At:O}");
        }
        Member? referrer = null;
        if (e.ReferrerId is not null)
        {
            if (e.ReferrerId == e.MemberId) throw new EngineRuleException($"member \"{e.MemberId}\" cannot refer itself");
            referrer = await MemberByExternalIdAsync(e.ReferrerId, ct) ?? throw new UnknownReferenceException("referrer", e.ReferrerId);
        }
        var member = new Member(e.MemberId, referrer, e.At, e.Name, e.Phone);
        _rows.Insert(member);
        Remember(member);
        _tree.AdjustAncestors(member.AncestorIds, 1, 0, 0);
        return ApplyOutcome.Applied;
    }

    // ---- gift-pack orders ---------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> PayPackAsync(PayPackOrder e, CancellationToken ct)
    {
        if (await CheckExistingOrderAsync(e.OrderId, OrderKind.Pack, e.MemberId, e.PackCode, 0, e.At, ct)) return ApplyOutcome.AlreadyApplied;
        var buyer = await MemberByExternalIdAsync(e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
        var pack = (await PacksAsync(ct)).GetValueOrDefault(e.PackCode) ?? throw new UnknownReferenceException("pack", e.PackCode);
        var ruleSet = await RuleSetAtAsync(e.At, ct);
        pack.RecordSale();
        _rows.MarkDirty(pack);

        if (buyer.Rank != MemberRank.Member)
        {
            // A repeat order: recorded and counted as a sale, no 2+1 rewards.
            AddOrder(Order.ForPack(e.OrderId, buyer.Id, pack, e.At, ruleSet.Id, qualifying: false));
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
            r = await StateAsync(ancestorIds[^1], states, ct);
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
        if (plan.CountsForReferrer) order.MarkCounted(r!.Id); // step 4 below; set before the row is written
        AddOrder(order);

        // Step 1: placement (and the seed's channel task).
        buyer.BecomeAgent(plan.LeaderId);
        _rows.MarkDirty(buyer);
        _tree.LeaderChanged(null, plan.LeaderId);
        _rows.Insert(new MemberRankChange(buyer.Id, MemberRank.Member, MemberRank.Agent, e.At, "qualifyingOrder", order.Id));
        _tree.RankChanged(buyer, MemberRank.Member, MemberRank.Agent);
        if (plan.SeedTaskPartnerId is long partnerId)
        {
            var deadline = ChannelTaskPolicy.DeadlineFor(e.At, rules.TaskDays);
            var task = new ChannelTask(buyer.Id, partnerId, order.Id, ruleSet.Id, rules.TaskKind, rules.TaskTarget, e.At, deadline, PlatformTime.LocalDate(deadline));
            _rows.Insert(task);
            _tasks[task.Id] = task;
            buyer.SetLatestTask(task.Id);
        }

        // Steps 2–3: the rewards, and what compliance withheld.
        long? TaskOf(long seedId) => seedId == buyer.Id ? buyer.LatestTaskId : states[seedId].LatestTaskId;
        Post(order, ruleSet, e.At, plan.Entries, TaskOf);
        Withhold(order, ruleSet, e.At, plan.Withheld);

        // Step 4: the referrer's count and upgrade.
        if (plan.CountsForReferrer)
        {
            var referrer = await MemberAsync(r!.Id, ct);
            referrer.CountQualifiedReferral();
            _rows.MarkDirty(referrer);
            if (plan.ReferrerBecomesPartner)
            {
                var oldLeader = referrer.LeaderId;
                referrer.BecomePartner(plan.ReferrerPeerBeneficiaryId);
                _tree.LeaderChanged(oldLeader, null);
                _rows.Insert(new MemberRankChange(referrer.Id, MemberRank.Agent, MemberRank.Partner, e.At, "upgrade", order.Id));
                _tree.RankChanged(referrer, MemberRank.Agent, MemberRank.Partner);
            }
        }

        // Step 5: channel-task progress of the referrer (a seed whose direct referral just became an Agent).
        if (r?.LatestTaskId is long rTaskId && r.LatestTaskStatus == ChannelTaskStatus.Open)
        {
            var task = await TaskAsync(rTaskId, ct);
            if (task.Kind == ChannelTaskKind.QualifiedReferrals) { task.RecordProgress(e.At); _rows.MarkDirty(task); }
        }
        return ApplyOutcome.Applied;
    }

    // ---- retail orders ------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> PayRetailAsync(PayRetailOrder e, CancellationToken ct)
    {
        if (e.AmountFen <= 0) throw new EngineRuleException($"retail order \"{e.OrderId}\" has a non-positive amount {e.AmountFen}");
        if (e.AmountFen > InputLimits.MaxOrderAmountFen)
            throw new EngineRuleException($"retail order \"{e.OrderId}\" has an amount of {e.AmountFen} fen ({Money.FromFen(e.AmountFen)}); it must be {InputLimits.Range(1, InputLimits.MaxOrderAmountFen)}");
        if (await CheckExistingOrderAsync(e.OrderId, OrderKind.Retail, e.MemberId, null, e.AmountFen, e.At, ct)) return ApplyOutcome.AlreadyApplied;
        var buyer = await MemberByExternalIdAsync(e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
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
        AddOrder(order);
        Post(order, ruleSet, e.At, entries, _ => null);
        Withhold(order, ruleSet, e.At, withheld);

        if (buyerState.LatestTaskId is long taskId && buyerState.LatestTaskStatus == ChannelTaskStatus.Open)
        {
            var task = await TaskAsync(taskId, ct);
            if (task.Kind == ChannelTaskKind.RetailOrders) { task.RecordProgress(e.At); _rows.MarkDirty(task); }
        }
        return ApplyOutcome.Applied;
    }

    // ---- refunds ------------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> RefundAsync(RefundOrder e, CancellationToken ct)
    {
        var order = await OrderByExternalIdAsync(e.OrderId, ct) ?? throw new UnknownReferenceException("order", e.OrderId);
        if (order.IsRefunded) return ApplyOutcome.AlreadyApplied; // refunding twice changes nothing
        order.MarkRefunded(e.At);
        _rows.MarkDirty(order);
        var actor = $"refund:{e.OrderId}";
        var postingDate = PlatformTime.LocalDate(e.At);

        // Ledger rows are written at once (never cached), so the database has this batch's entries and moves too.
        var entries = await db.LedgerEntries.AsNoTracking()
            .Where(x => x.OrderId == order.Id && x.Kind != EntryKind.Clawback).OrderBy(x => x.Id).ToListAsync(ct);
        foreach (var entry in entries)
        {
            switch (entry.Status)
            {
                case EntryStatus.Pending or EntryStatus.Frozen:
                    _rows.MoveLedgerStatus(entry.Id, entry.Status, EntryStatus.Cancelled, e.At, actor);
                    break;
                case EntryStatus.Available or EntryStatus.Paid:
                    _rows.Insert(new LedgerEntry(entry.BeneficiaryId, EntryKind.Clawback, -entry.AmountFen, order.Id, entry.RuleSetId,
                        entry.ChannelTaskId, entry.Id, e.At, postingDate, postingDate, LedgerTransitions.KeyForClawback(entry.Id), EntryStatus.Available));
                    break;
                case EntryStatus.Forfeited:
                    _rows.Insert(SupportFundMovement.TakeBack(entry, e.At, actor));
                    break;
            }
        }

        if (order.IsQualifying)
        {
            var buyer = await MemberAsync(order.MemberId, ct);
            if (buyer.Rank == MemberRank.Agent)
            {
                var oldLeader = buyer.LeaderId;
                buyer.RevertToMember();
                _rows.MarkDirty(buyer);
                _tree.LeaderChanged(oldLeader, null);
                _rows.Insert(new MemberRankChange(buyer.Id, MemberRank.Agent, MemberRank.Member, e.At, "refund", order.Id));
                _tree.RankChanged(buyer, MemberRank.Agent, MemberRank.Member);
            }
            if (order.CountedForMemberId is long counted)
            {
                var referrer = await MemberAsync(counted, ct);
                referrer.UncountQualifiedReferral();
                _rows.MarkDirty(referrer);
            }
            if (buyer.LatestTaskId is long taskId)
            {
                var task = await TaskAsync(taskId, ct);
                task.Cancel(e.At);
                _rows.MarkDirty(task);
            }
        }
        return ApplyOutcome.Applied;
    }

    // ---- appointment --------------------------------------------------------------------------------------------

    private async Task<ApplyOutcome> AppointAsync(AppointPartner e, CancellationToken ct)
    {
        var member = await MemberByExternalIdAsync(e.MemberId, ct) ?? throw new UnknownReferenceException("member", e.MemberId);
        if (member.Rank == MemberRank.Partner) return ApplyOutcome.AlreadyApplied; // promoting a Partner is a no-op
        MemberState? referrer = member.ReferrerId is long rid ? await StateOfAsync(await MemberAsync(rid, ct), ct) : null;
        var from = member.Rank;
        var oldLeader = member.LeaderId;
        member.BecomePartner(PlacementPolicy.PeerBeneficiaryFor(referrer));
        _rows.MarkDirty(member);
        _tree.LeaderChanged(oldLeader, null);
        _rows.Insert(new MemberRankChange(member.Id, from, MemberRank.Partner, e.At, "appointment", null));
        _tree.RankChanged(member, from, MemberRank.Partner);
        _rows.Insert(new AuditLogEntry(e.At, e.Actor, "member.appoint", $"member:{member.ExternalId}",
            JsonSerializer.Serialize(new { rank = from.ToString(), leaderId = oldLeader }),
            JsonSerializer.Serialize(new { rank = nameof(MemberRank.Partner), peerBeneficiaryId = member.PeerBeneficiaryId })));
        return ApplyOutcome.Applied;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void AddOrder(Order order)
    {
        _rows.Insert(order);
        _ordersByExternalId[order.ExternalId] = order;
    }

    /// <summary>True when this exact order was applied before; throws when the id was used with other content.</summary>
    private async Task<bool> CheckExistingOrderAsync(string orderId, OrderKind kind, string memberId, string? packCode, long amountFen, DateTimeOffset at, CancellationToken ct)
    {
        var existing = await OrderByExternalIdAsync(orderId, ct);
        if (existing is null) return false;
        var existingMember = (await MemberAsync(existing.MemberId, ct)).ExternalId;
        var existingPack = existing.PackId is long packId ? (await PacksAsync(ct)).Values.FirstOrDefault(p => p.Id == packId)?.Code : null;
        var paidAt = existing.PaidAt.ToUniversalTime();
        string? diff =
            existing.Kind != kind ? $"kind {existing.Kind} ≠ {kind}" :
            existingMember != memberId ? $"member \"{existingMember}\" ≠ \"{memberId}\"" :
            kind == OrderKind.Pack && existingPack != packCode ? $"pack \"{existingPack}\" ≠ \"{packCode}\"" :
            kind == OrderKind.Retail && existing.PriceFen != amountFen ? $"amount {existing.PriceFen} ≠ {amountFen} fen" :
            paidAt != at ? $"paid at {paidAt:O} ≠ {at:O}" : null;
        return diff is null ? true : throw new IdempotencyConflictException("order", orderId, diff);
    }

    private void Post(Order order, RuleSet ruleSet, DateTimeOffset at, IReadOnlyList<PlannedEntry> planned, Func<long, long?> taskOfSeed)
    {
        var postingDate = PlatformTime.LocalDate(at);
        var settlesOn = postingDate.AddDays(ruleSet.SettlementDelayDays);
        foreach (var p in planned)
        {
            var taskId = p.Frozen ? taskOfSeed(p.FreezeSeedId!.Value) ?? throw new InvalidOperationException("A frozen share needs the seed's task.") : (long?)null;
            _rows.Insert(new LedgerEntry(p.BeneficiaryId, p.Kind, p.AmountFen, order.Id, ruleSet.Id, taskId, null, at, postingDate, settlesOn,
                LedgerTransitions.KeyForOrderReward(order.Id, p.Slot, p.BeneficiaryId, p.Frozen), p.Frozen ? EntryStatus.Frozen : EntryStatus.Pending));
        }
    }

    private void Withhold(Order order, RuleSet ruleSet, DateTimeOffset at, IReadOnlyList<PlannedWithheld> withheld)
    {
        foreach (var w in withheld)
            _rows.Insert(new WithheldReward(order.Id, w.BeneficiaryId, w.Kind, w.Slot, w.AmountFen, w.Distance, w.Reason, ruleSet.Id, at));
    }
}
