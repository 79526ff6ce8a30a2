using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Ledger;

/// <summary>
/// The support fund (帮扶基金): credited by forfeits (nightly run), debited by refund take-backs (may go negative)
/// and by grants. A grant is a fund movement plus an Available Grant entry for the member, with a reason, audited.
/// </summary>
public sealed class SupportFundService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    public async Task<long> GetBalanceFenAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SupportFundMovements.SumAsync(m => m.AmountFen, ct);
    }

    /// <summary>
    /// Grants <paramref name="amountFen"/> from the fund to a member. <paramref name="grantId"/> is the caller's request
    /// id: the same grant again reports AlreadyApplied; the same id with other content is refused. A grant may not
    /// take the fund below zero.
    /// </summary>
    public async Task<ApplyOutcome> GrantAsync(string grantId, string memberExternalId, long amountFen, string reason, string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(grantId)) throw new EngineRuleException("a grant needs an id");
        if (amountFen <= 0) throw new EngineRuleException($"a grant amount must be positive, not {amountFen}");
        if (string.IsNullOrWhiteSpace(reason)) throw new EngineRuleException("a grant needs a reason");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.ExternalId == memberExternalId, ct)
            ?? throw new UnknownReferenceException("member", memberExternalId);
        var existing = await db.SupportFundMovements.AsNoTracking().FirstOrDefaultAsync(m => m.GrantId == grantId, ct);
        if (existing is not null)
        {
            if (existing.MemberId == member.Id && existing.AmountFen == -amountFen && existing.Reason == reason) return ApplyOutcome.AlreadyApplied;
            throw new IdempotencyConflictException("grant", grantId, "member, amount or reason differ");
        }
        var balance = await db.SupportFundMovements.SumAsync(m => m.AmountFen, ct);
        if (balance < amountFen)
            throw new EngineRuleException($"the support fund holds {balance} fen, {amountFen - balance} fen short of the grant {amountFen}");

        var now = time.GetUtcNow();
        var date = PlatformTime.LocalDate(now);
        db.SupportFundMovements.Add(SupportFundMovement.ForGrant(grantId, member.Id, amountFen, reason, now, actor));
        db.LedgerEntries.Add(new LedgerEntry(member.Id, EntryKind.Grant, amountFen, null, null, null, null, now, date, date,
            LedgerTransitions.KeyForGrant(grantId), EntryStatus.Available));
        db.AuditLog.Add(new AuditLogEntry(now, actor, "fund.grant", $"member:{memberExternalId}", $"fund {balance}",
            System.Text.Json.JsonSerializer.Serialize(new { grantId, amountFen, reason })));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return ApplyOutcome.Applied;
    }
}
