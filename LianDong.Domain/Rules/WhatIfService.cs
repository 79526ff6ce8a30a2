using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Rules;

/// <summary>
/// The what-if of the rule-set editor: the last <c>days</c> local days' rewards of orders that were not refunded,
/// recomputed under a draft (<see cref="WhatIfCalculator"/>). Reads the ledger in keyset pages by id and reports
/// progress as a percent, so the console can run it in the background.
/// </summary>
public sealed class WhatIfService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    private const int PageSize = 2000;
    private static readonly EntryKind[] RewardKinds = [EntryKind.Direct, EntryKind.SeePoint, EntryKind.Peer, EntryKind.Retail];

    public async Task<WhatIfResult> RunAsync(RuleParameters draft, int days = 30, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        var to = PlatformTime.LocalDate(time.GetUtcNow());
        var from = to.AddDays(-(days - 1));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var window = db.LedgerEntries.AsNoTracking()
            .Where(e => e.OrderId != null && e.PostingDate >= from && RewardKinds.Contains(e.Kind));
        var total = await window.CountAsync(ct);
        var versions = await db.RuleSets.AsNoTracking().ToDictionaryAsync(r => r.Id, ct);
        var packs = await db.GiftPacks.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, ct);

        // A split reward is a ":pending" and a ":frozen" entry; it is one reward, recomputed once.
        var groups = new Dictionary<string, (EntryKind Kind, string Slot, long Posted, long OrderAmount, string Pack, long Beneficiary, long OrderId, DateTimeOffset At)>();
        long afterId = 0; var seen = 0;
        while (true)
        {
            var page = await window.Where(e => e.Id > afterId).OrderBy(e => e.Id).Take(PageSize)
                .Join(db.Orders, e => e.OrderId, o => o.Id, (e, o) => new
                {
                    e.Id, e.Kind, e.AmountFen, e.IdempotencyKey, e.BeneficiaryId, e.PostedAt, OrderId = o.Id, o.PackId, o.PriceFen, o.RefundedAt,
                })
                .ToListAsync(ct);
            if (page.Count == 0) break;
            foreach (var e in page)
            {
                if (e.RefundedAt is not null) continue;
                var parts = e.IdempotencyKey.Split(':');
                if (parts.Length != 5 || parts[0] != "ord") continue;
                var key = string.Join(':', parts[..4]);
                var pack = e.PackId is { } pid && packs.TryGetValue(pid, out var code) ? code : "零售 Retail";
                groups[key] = groups.TryGetValue(key, out var g)
                    ? g with { Posted = g.Posted + e.AmountFen }
                    : (e.Kind, parts[2], e.AmountFen, e.PriceFen, pack, e.BeneficiaryId, e.OrderId, e.PostedAt);
            }
            afterId = page[^1].Id;
            seen += page.Count;
            progress?.Report(total == 0 ? 100 : Math.Min(99, seen * 100 / total));
        }

        // Whether a direct reward's beneficiary was a Partner when it was posted: ranks never go down from Partner,
        // so it is "became a Partner before this order" (an upgrade caused by this same order comes after step 2).
        var directBeneficiaries = groups.Values.Where(g => g.Slot == "Direct").Select(g => g.Beneficiary).Distinct().ToList();
        var partnerSince = new Dictionary<long, (DateTimeOffset At, long? OrderId)>();
        foreach (var chunk in directBeneficiaries.Chunk(500))
        {
            var changes = await db.MemberRankChanges.AsNoTracking()
                .Where(c => chunk.Contains(c.MemberId) && c.ToRank == MemberRank.Partner)
                .Select(c => new { c.MemberId, c.At, c.OrderId }).ToListAsync(ct);
            foreach (var c in changes.GroupBy(c => c.MemberId)) { var first = c.OrderBy(x => x.At).First(); partnerSince[c.Key] = (first.At, first.OrderId); }
        }

        var rewards = groups.Values.Select(g => new WhatIfReward(g.Kind, g.Slot, g.Posted, g.OrderAmount, g.Pack,
            g.Slot == "Direct" && partnerSince.TryGetValue(g.Beneficiary, out var p) && (p.At < g.At || (p.At == g.At && p.OrderId != g.OrderId))))
            .ToList();
        progress?.Report(100);
        return WhatIfCalculator.Summarize(from, to, rewards, draft, WhatIfCalculator.NotSimulated(draft, versions.Values.Select(v => v.Parameters)));
    }
}
