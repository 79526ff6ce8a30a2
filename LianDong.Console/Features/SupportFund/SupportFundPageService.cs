using LianDong.Domain;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.SupportFund;

public sealed record FundTotals(long BalanceFen, long ForfeitsInFen, long TakeBacksFen, long GrantsOutFen);

public sealed record FundMovementRow(long Id, FundMovementKind Kind, long AmountFen, string? Member, string? Reason, DateTimeOffset At, string Actor);

/// <summary>A grant as the admin typed it, checked field by field before anything is posted.</summary>
public sealed record GrantRequest(string GrantId, string? MemberId, string? Amount, string? Reason);

public sealed record GrantCheck(long AmountFen, string MemberLabel, IReadOnlyDictionary<string, string> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// The support fund page: totals, movements newest first (keyset by id), and the two steps of a grant — check (names the
/// member, the amount and what the fund will hold after) and confirm (posts through <see cref="SupportFundService"/>).
/// </summary>
public sealed class SupportFundPageService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, SupportFundService fund)
{
    public async Task<FundTotals> TotalsAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var sums = await db.SupportFundMovements.AsNoTracking().GroupBy(m => m.Kind).Select(g => new { g.Key, Sum = g.Sum(m => m.AmountFen) }).ToListAsync(ct);
        long Of(FundMovementKind k) => sums.FirstOrDefault(s => s.Key == k)?.Sum ?? 0;
        return new FundTotals(sums.Sum(s => s.Sum), Of(FundMovementKind.Forfeit), -Of(FundMovementKind.RefundTakeBack), -Of(FundMovementKind.Grant));
    }

    /// <summary>One page of movements, newest first (by id, the primary key), and how many there are.</summary>
    public async Task<(IReadOnlyList<FundMovementRow> Rows, int Total)> MovementsPageAsync(int skip, int take, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var total = await db.SupportFundMovements.CountAsync(ct);
        var rows = await db.SupportFundMovements.AsNoTracking().OrderByDescending(m => m.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100))
            .Select(m => new FundMovementRow(m.Id, m.Kind, m.AmountFen, db.Members.Where(x => x.Id == m.MemberId).Select(x => x.ExternalId).FirstOrDefault(),
                m.Reason, m.At, m.Actor)).ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Step one: checks the request; nothing is posted. The messages are in the user's language, one per wrong field.</summary>
    public async Task<GrantCheck> CheckAsync(GrantRequest request, CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        var errors = new Dictionary<string, string>();
        var amount = Display.ParseYuan(request.Amount);
        if (amount is null) errors["Amount"] = SupportFundText.Get("Error.AmountFormat");
        else if (amount <= 0) errors["Amount"] = SupportFundText.Get("Error.AmountPositive");
        if (string.IsNullOrWhiteSpace(request.Reason)) errors["Reason"] = SupportFundText.Get("Error.ReasonRequired");
        var label = "";
        if (string.IsNullOrWhiteSpace(request.MemberId)) errors["MemberId"] = SupportFundText.Get("Error.MemberRequired");
        else
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var m = await db.Members.AsNoTracking().Where(x => x.ExternalId == request.MemberId.Trim()).Select(x => new { x.ExternalId, x.Name }).FirstOrDefaultAsync(ct);
            if (m is null) errors["MemberId"] = SupportFundText.Format("Error.MemberUnknown", request.MemberId.Trim());
            else label = string.IsNullOrEmpty(m.Name) ? m.ExternalId : $"{m.Name} ({m.ExternalId})";
        }
        if (amount is > 0 && !errors.ContainsKey("Amount"))
        {
            var balance = await fund.GetBalanceFenAsync(ct);
            if (amount > balance) errors["Amount"] = SupportFundText.Format("Error.FundShort", Money.FromFen(balance), Money.FromFen(amount.Value - balance));
        }
        return new GrantCheck(amount ?? 0, label, errors);
    }

    /// <summary>Step two: posts the grant (fund movement, Available Grant entry, audit) under the request's id.</summary>
    public async Task<Shared.Outcome> GrantAsync(GrantRequest request, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        var check = await CheckAsync(request, ct);
        if (!check.Ok) return Shared.Outcome.Fail(string.Join("; ", check.Errors.Values));
        try
        {
            await fund.GrantAsync(request.GrantId, request.MemberId!.Trim(), check.AmountFen, request.Reason!.Trim(), actor, ct);
            return Shared.Outcome.Success;
        }
        catch (EngineException)
        {
            // Checked a moment ago, so a race (the fund spent meanwhile, the same grant id reused): the refusal is the domain's, in English.
            return Shared.Outcome.Fail(SupportFundText.Get("Error.Refused"));
        }
    }
}
