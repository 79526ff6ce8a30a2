using LianDong.Console.Export;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Payouts;

namespace LianDong.Console.Features.Payouts;

/// <summary>
/// The payouts page (finance and admins). Refusals of the domain come back as an <see cref="Outcome"/> with the
/// domain's message; the domain audits every action.
/// </summary>
public sealed class PayoutPageService(PayoutService payouts, PayoutAccountService accounts, ICurrentUser current)
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
        catch (EngineException e) { return (Outcome.Fail(e.Message), null); }
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
    public async Task<PayoutImportResult> ImportResultAsync(long batchId, Stream file, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        using var reader = new StringReader(BankText.Decode(file));
        try { return await payouts.ImportResultAsync(batchId, reader, actor, ct); }
        catch (EngineException e) { return PayoutImportResult.Refused([e.Message]); }
    }

    public async Task<IReadOnlyList<PayoutBatch>> ListAsync(long beforeId = long.MaxValue, int take = 50, CancellationToken ct = default)
    {
        await RequireAsync();
        return await payouts.ListBatchesAsync(beforeId, take, ct);
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
    public async Task<Outcome> SetAccountAsync(string memberExternalId, string? accountName, string? bankName, string? accountNo, CancellationToken ct = default)
    {
        var actor = await RequireAsync();
        try
        {
            await accounts.SetAsync(memberExternalId, accountName, bankName, accountNo, actor, ct);
            return Outcome.Success;
        }
        catch (PayoutAccountValidationException e) { return Outcome.Fail($"{e.Field}: {e.Message}"); }
        catch (EngineException e) { return Outcome.Fail(e.Message); }
    }

    public async Task<PayoutAccountView?> GetAccountAsync(long memberId, CancellationToken ct = default)
    {
        await RequireAsync();
        return await accounts.GetMaskedAsync(memberId, ct);
    }

    private static async Task<Outcome> Try(Func<Task> action)
    {
        try { await action(); return Outcome.Success; }
        catch (EngineException e) { return Outcome.Fail(e.Message); }
    }
}
