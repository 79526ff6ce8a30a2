using LianDong.Console.Export;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Payouts;

/// <summary>What a bank-result import did, for the page: the refused rows with their reasons, or what was applied.</summary>
public sealed record PayoutImportView(PayoutImportResult Result, IReadOnlyList<RefusedRow> Refused)
{
    public bool Applied => Result.Applied;
}

/// <summary>What saving a payout account did: done, or the field it refused (accountName, bankName, accountNo; null for the member) and why.</summary>
public sealed record AccountOutcome(string? Field, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// The payouts pages (finance and admins). Refusals of the domain come back as an <see cref="Outcome"/> in the user's
/// language (<see cref="PayoutMessages"/>); the domain audits every action, refusals included, in its own words.
/// </summary>
public sealed class PayoutPageService(PayoutService payouts, PayoutAccountService accounts, ICurrentUser current, IDbContextFactory<LianDongDbContext> dbs)
{
    private Task<string> RequireAsync() => current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Finance);

    public async Task<PayoutPreview> PreviewAsync(CancellationToken ct = default)
    {
        await RequireAsync();
        return await payouts.PreviewAsync(ct);
    }

    public async Task<(Outcome Outcome, long? BatchId)> BuildAsync(CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        try { return (Outcome.Success, (await payouts.BuildAsync(actor, ct)).Id); }
        catch (EngineException e) { return (Outcome.Fail(PayoutMessages.Refusal(e.Message)), null); }
    }

    public async Task<Outcome> ApproveAsync(long batchId, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        return await Try(() => payouts.ApproveAsync(batchId, actor, ct));
    }

    public async Task<Outcome> CancelAsync(long batchId, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        return await Try(() => payouts.CancelAsync(batchId, actor, ct));
    }

    public async Task<Outcome> ResolveLineAsync(long lineId, bool paid, string? reason, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        return await Try(() => payouts.ResolveLineAsync(lineId, paid, reason, actor, ct));
    }

    /// <summary>
    /// Applies a bank result file (UTF-8, or GB18030/GBK as many bank portals write it) and says what happened: the
    /// refused rows with their reasons, or what was applied.
    /// </summary>
    public async Task<PayoutImportView> ImportResultAsync(long batchId, Stream file, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        using var reader = new StringReader(BankText.Decode(file));
        PayoutImportResult result;
        try { result = await payouts.ImportResultAsync(batchId, reader, actor, ct); }
        catch (EngineException e) { result = PayoutImportResult.Refused([e.Message]); }
        return new PayoutImportView(result, result.Errors.Select(PayoutMessages.Row).ToList());
    }

    /// <summary>What a bank result file holds before it is applied (for the confirmation): its readable rows and their sum.</summary>
    public static (int Rows, long SumFen) Inspect(Stream file)
    {
        using var reader = new StringReader(BankText.Decode(file));
        var parsed = PayoutResultFile.Parse(reader);
        return (parsed.Rows.Count, parsed.Rows.Sum(r => r.AmountFen));
    }

    /// <summary>One page of batches, newest first (by id, the primary key), and how many there are.</summary>
    public async Task<(IReadOnlyList<PayoutBatch> Rows, int Total)> BatchesPageAsync(int skip, int take, CancellationToken ct = default)
    {
        await RequireAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var total = await db.PayoutBatches.CountAsync(ct);
        var rows = await db.PayoutBatches.AsNoTracking().OrderByDescending(b => b.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100)).ToListAsync(ct);
        return (rows, total);
    }

    public async Task<PayoutBatch?> GetAsync(long batchId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await payouts.GetBatchAsync(batchId, ct);
    }

    /// <summary>One page of a batch's lines for the grid (server-side paging; the batch's line count is the total).</summary>
    public async Task<IReadOnlyList<PayoutLineRow>> LinesPageAsync(long batchId, int skip, int take, CancellationToken ct = default)
    {
        await RequireAsync();
        return await payouts.GetLinesPageAsync(batchId, Math.Max(0, skip), Math.Clamp(take, 1, 500), ct);
    }

    /// <summary>Finance sets or corrects a member's payout account (encrypted and audited by PayoutAccountService).</summary>
    public async Task<AccountOutcome> SetAccountAsync(string memberExternalId, string? accountName, string? bankName, string? accountNo, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        try
        {
            await accounts.SetAsync(memberExternalId, accountName, bankName, accountNo, actor, ct);
            return new AccountOutcome(null, null);
        }
        catch (PayoutAccountValidationException e) { return new AccountOutcome(e.Field, PayoutsText.Get("Account.Error." + e.Field)); }
        catch (UnknownReferenceException) { return new AccountOutcome(null, PayoutsText.Format("Account.Error.Member", memberExternalId)); }
    }

    public async Task<PayoutAccountView?> GetAccountAsync(long memberId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await accounts.GetMaskedAsync(memberId, ct);
    }

    private static async Task<Outcome> Try(Func<Task> action)
    {
        try { await action(); return Outcome.Success; }
        catch (EngineException e) { return Outcome.Fail(PayoutMessages.Refusal(e.Message)); }
    }
}
