using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace LianDong.Domain.Rules;

/// <summary>
/// Publishes rule-set versions. A version is effective from a time strictly after every earlier version's and not in
/// the past (publishing never rewrites the past); it must pass <see cref="RuleSetValidator"/> and the payout limit
/// against every pack that is on. Publishing is audited.
/// </summary>
public sealed class RuleSetService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    public async Task<RuleSet> PublishAsync(RuleParameters parameters, DateTimeOffset effectiveFrom, string actor, CancellationToken ct = default)
    {
        var violations = RuleSetValidator.Validate(parameters).ToList();
        var now = time.GetUtcNow();
        if (effectiveFrom < now)
            violations.Add($"effectiveFrom {effectiveFrom:O} is in the past (now {now:O}); publishing never rewrites the past");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var latest = await db.RuleSets.AsNoTracking().OrderByDescending(r => r.EffectiveFrom).FirstOrDefaultAsync(ct);
        if (latest is not null && effectiveFrom <= latest.EffectiveFrom)
            violations.Add($"effectiveFrom {effectiveFrom:O} must be after version {latest.Version}'s {latest.EffectiveFrom:O}");
        foreach (var pack in await db.GiftPacks.AsNoTracking().Where(p => p.IsOn).OrderBy(p => p.Code).ToListAsync(ct))
            if (RuleSetValidator.CheckPack(pack.Code, pack.PriceFen, pack.CostFen, parameters) is { } v) violations.Add(v);
        if (violations.Count > 0) throw new ComplianceViolationException(violations);

        var ruleSet = new RuleSet((latest?.Version ?? 0) + 1, effectiveFrom, now, actor, parameters);
        db.RuleSets.Add(ruleSet);
        db.AuditLog.Add(new AuditLogEntry(now, actor, "ruleset.publish", $"ruleset:v{ruleSet.Version}",
            latest is null ? null : $"v{latest.Version}", JsonSerializer.Serialize(new { effectiveFrom, parameters })));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ruleSet;
    }

    public async Task<RuleSet?> GetInEffectAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RuleSets.AsNoTracking().Where(r => r.EffectiveFrom <= at).OrderByDescending(r => r.EffectiveFrom).FirstOrDefaultAsync(ct);
    }

    /// <summary>The version in effect at <paramref name="at"/> and every later one: what a pack must satisfy.</summary>
    internal static async Task<List<RuleSet>> InEffectNowOrLaterAsync(LianDongDbContext db, DateTimeOffset at, CancellationToken ct)
    {
        var current = await db.RuleSets.AsNoTracking().Where(r => r.EffectiveFrom <= at).OrderByDescending(r => r.EffectiveFrom).FirstOrDefaultAsync(ct);
        var later = await db.RuleSets.AsNoTracking().Where(r => r.EffectiveFrom > at).OrderBy(r => r.EffectiveFrom).ToListAsync(ct);
        return current is null ? later : [current, .. later];
    }

    public async Task<IReadOnlyList<RuleSet>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RuleSets.AsNoTracking().OrderBy(r => r.Version).ToListAsync(ct);
    }
}
