using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Rules;

public sealed record RuleSetOverview(IReadOnlyList<RuleSet> Versions, RuleSet? InEffect, IReadOnlyList<PackFigures> PacksOn);

public sealed record PublishResult(RuleSet? Published, IReadOnlyList<RuleViolation> Refusals);

public sealed record WithdrawResult(RuleSet? Withdrawn, string? Refusal);

/// <summary>The rules page: versions (history, in effect), the packs a draft is checked against, publishing, withdrawing and the what-if.</summary>
public sealed class RulesService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, RuleSetService ruleSets, WhatIfService whatIf, TimeProvider time)
{
    public async Task<RuleSetOverview> LoadAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        var versions = await ruleSets.ListAsync(ct);
        var inEffect = await ruleSets.GetInEffectAsync(time.GetUtcNow(), ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var packs = await db.GiftPacks.AsNoTracking().Where(p => p.IsOn).OrderBy(p => p.Code)
            .Select(p => new PackFigures(p.Code, p.Name, p.PriceFen, p.CostFen)).ToListAsync(ct);
        return new RuleSetOverview(versions.OrderByDescending(v => v.Version).ToList(), inEffect, packs);
    }

    /// <summary>Publishes through the engine's <see cref="RuleSetService"/> (validated again there, audited there).</summary>
    public async Task<PublishResult> PublishAsync(RuleParameters draft, DateTimeOffset effectiveFrom, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        try
        {
            return new PublishResult(await ruleSets.PublishAsync(draft, effectiveFrom, actor, ct), []);
        }
        catch (ComplianceViolationException e)
        {
            return new PublishResult(null, e.Details);
        }
    }

    /// <summary>Withdraws a version not yet in effect through <see cref="RuleSetService"/> (checked again and audited there).</summary>
    public async Task<WithdrawResult> WithdrawAsync(int version, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        try
        {
            return new WithdrawResult(await ruleSets.WithdrawAsync(version, actor, ct), null);
        }
        catch (RuleSetWithdrawalRefusedException)
        {
            return new WithdrawResult(null, await RefusalAsync(version, ct));
        }
    }

    /// <summary>
    /// Why a withdrawal was refused, in the user's language: the engine's message is for the API (both languages glued),
    /// so the reason is read again from the version as it stands now.
    /// </summary>
    private async Task<string> RefusalAsync(int version, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.RuleSets.AsNoTracking().FirstOrDefaultAsync(r => r.Version == version, ct);
        return row is null ? RulesText.Format("Withdraw.NoSuchVersion", version)
            : row.IsWithdrawn ? RulesText.Format("Withdraw.AlreadyWithdrawn", version)
            : row.EffectiveFrom <= time.GetUtcNow() ? RulesText.Format("Withdraw.InEffect", version)
            : RulesText.Format("Withdraw.Used", version);
    }

    public async Task<WhatIfResult> WhatIfAsync(RuleParameters draft, IProgress<int> progress, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        return await whatIf.RunAsync(draft, 30, progress, ct);
    }
}
