using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;

namespace LianDong.Domain.Rules;

/// <summary>
/// Publishes and withdraws rule-set versions. A version is effective from a time strictly after every earlier
/// (not withdrawn) version's and not in the past (publishing never rewrites the past); it must pass
/// <see cref="RuleSetValidator"/> and the payout limit against every pack that is on. A version not yet in effect can
/// be withdrawn; a withdrawn version is ignored by every "version in effect" question (<see cref="RuleSetQueries"/>).
/// Publishing and withdrawing are audited.
/// </summary>
public sealed class RuleSetService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    public async Task<RuleSet> PublishAsync(RuleParameters parameters, DateTimeOffset effectiveFrom, string actor, CancellationToken ct = default)
    {
        var violations = RuleSetValidator.Violations(parameters).ToList();
        var now = time.GetUtcNow();
        if (effectiveFrom < now)
            violations.Add(new EffectiveInPast(effectiveFrom, now));

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var latest = await db.RuleSets.AsNoTracking().NotWithdrawn().OrderByDescending(r => r.EffectiveFrom).FirstOrDefaultAsync(ct);
        // Numbers are never reused: a withdrawn v3 stays v3 in the history and the audit log, the next one is v4.
        var lastVersion = await db.RuleSets.MaxAsync(r => (int?)r.Version, ct) ?? 0;
        if (latest is not null && effectiveFrom <= latest.EffectiveFrom)
            violations.Add(new EffectiveNotAfterLatest(effectiveFrom, latest.Version, latest.EffectiveFrom));
        foreach (var pack in await db.GiftPacks.AsNoTracking().Where(p => p.IsOn).OrderBy(p => p.Code).ToListAsync(ct))
            if (RuleSetValidator.PackViolation(pack.Code, pack.PriceFen, pack.CostFen, parameters) is { } v) violations.Add(v);
        if (violations.Count > 0) throw new ComplianceViolationException(violations);

        var ruleSet = new RuleSet(lastVersion + 1, effectiveFrom, now, actor, parameters);
        db.RuleSets.Add(ruleSet);
        db.AuditLog.Add(new AuditLogEntry(now, actor, "ruleset.publish", $"ruleset:v{ruleSet.Version}",
            latest is null ? null : $"v{latest.Version}", JsonSerializer.Serialize(new { effectiveFrom, parameters })));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ruleSet;
    }

    /// <summary>
    /// Withdraws (撤回) version <paramref name="version"/>, which must not have taken effect yet. The checks run again
    /// inside the write transaction as one compare-and-set (still published, still in the future, no order judged by
    /// it), so a version that took effect, or was used, or was withdrawn by someone else meanwhile is refused and
    /// nothing changes. The row is kept, marked withdrawn; the audit row holds the old and new state.
    /// </summary>
    /// <exception cref="RuleSetWithdrawalRefusedException">the version does not exist, is in effect, or is already withdrawn.</exception>
    public async Task<RuleSet> WithdrawAsync(int version, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var row = await db.RuleSets.AsNoTracking().FirstOrDefaultAsync(r => r.Version == version, ct)
            ?? throw new RuleSetWithdrawalRefusedException($"没有版本 v{version}。 There is no rule-set version v{version}.");
        if (row.WithdrawalRefusal(now) is { } refusal) throw new RuleSetWithdrawalRefusedException(refusal);

        var id = row.Id;
        var moved = await db.RuleSets
            .Where(r => r.Id == id && r.WithdrawnAt == null && r.EffectiveFrom > now && !db.Orders.Any(o => o.RuleSetId == id))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.WithdrawnAt, now).SetProperty(r => r.WithdrawnBy, actor), ct);
        if (moved != 1)
            // Only an order dated after the effective time (a storefront clock ahead of ours) can get here.
            throw new RuleSetWithdrawalRefusedException(
                $"v{version} 已被订单使用，不能撤回；请发布新版本。 v{version} has already been used for orders and cannot be withdrawn; publish a new version instead.");

        var instead = await db.RuleSets.AsNoTracking().NotWithdrawn().Where(r => r.EffectiveFrom <= row.EffectiveFrom)
            .OrderByDescending(r => r.EffectiveFrom).FirstOrDefaultAsync(ct);
        db.AuditLog.Add(new AuditLogEntry(now, actor, "ruleset.withdraw", $"ruleset:v{version}",
            JsonSerializer.Serialize(new { status = "published", effectiveFrom = row.EffectiveFrom }),
            JsonSerializer.Serialize(new { status = "withdrawn", withdrawnAt = now, effectiveFromInstead = instead is null ? null : $"v{instead.Version}" })));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (await db.RuleSets.AsNoTracking().FirstAsync(r => r.Id == id, ct));
    }

    /// <summary>The version in effect at <paramref name="at"/> (withdrawn versions never are).</summary>
    public async Task<RuleSet?> GetInEffectAsync(DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RuleSets.AsNoTracking().InEffectAt(at).FirstOrDefaultAsync(ct);
    }

    /// <summary>The version in effect at <paramref name="at"/> and every later one that is not withdrawn: what a pack must satisfy.</summary>
    internal static async Task<List<RuleSet>> InEffectNowOrLaterAsync(LianDongDbContext db, DateTimeOffset at, CancellationToken ct)
    {
        var current = await db.RuleSets.AsNoTracking().InEffectAt(at).FirstOrDefaultAsync(ct);
        var later = await db.RuleSets.AsNoTracking().NotWithdrawn().Where(r => r.EffectiveFrom > at).OrderBy(r => r.EffectiveFrom).ToListAsync(ct);
        return current is null ? later : [current, .. later];
    }

    /// <summary>Every version ever published, withdrawn ones included (the history).</summary>
    public async Task<IReadOnlyList<RuleSet>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RuleSets.AsNoTracking().OrderBy(r => r.Version).ToListAsync(ct);
    }
}

/// <summary>The one way to ask "which versions can be in effect": every such query goes through here.</summary>
public static class RuleSetQueries
{
    /// <summary>Versions that were not withdrawn (a withdrawn version never takes effect).</summary>
    public static IQueryable<RuleSet> NotWithdrawn(this IQueryable<RuleSet> q) => q.Where(r => r.WithdrawnAt == null);

    /// <summary>The version in effect at <paramref name="at"/> first (take the first row).</summary>
    public static IQueryable<RuleSet> InEffectAt(this IQueryable<RuleSet> q, DateTimeOffset at) =>
        q.NotWithdrawn().Where(r => r.EffectiveFrom <= at).OrderByDescending(r => r.EffectiveFrom);
}

/// <summary>A withdrawal the rules refuse (in effect already, withdrawn already, unknown); the message is for the clerk.</summary>
public sealed class RuleSetWithdrawalRefusedException(string message) : EngineException(message);
