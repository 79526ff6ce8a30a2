using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Api;

/// <summary>
/// The storefront API's operations over the engine. Engine events (registrations, orders, refunds) go through the
/// <see cref="EngineWriteQueue"/>, which commits whatever is queued as one batch and answers each request only after its
/// batch committed; payout-account and pack writes take the <see cref="ApiWriteGate"/> (the queue's batches take it too).
/// Each write checks what it can before the engine call (reads only; the engine re-validates everything in its
/// transaction), so a refusal changes nothing. Answers are built from the stored rows, never from the request, so a
/// retry gets the same body.
/// </summary>
public sealed class StorefrontService(
    IDbContextFactory<LianDongDbContext> dbs,
    EngineWriteQueue writes,
    LedgerService ledger,
    LedgerQueryService ledgerQueries,
    MemberQueryService memberQueries,
    PayoutAccountService payoutAccounts,
    PackCatalogueService catalogue,
    ApiWriteGate gate)
{
    // ---- members ------------------------------------------------------------------------------------------------

    public async Task<ApiWrite<MemberRegistration>> RegisterAsync(RegisterMemberRequest body, CancellationToken ct)
    {
        var memberId = body.MemberId!;
        var referrerId = body.ReferrerId;
        var name = body.DisplayName;
        var phone = body.Phone;
        var at = body.RegisteredAt!.Value;
        if (referrerId == memberId) throw ApiProblemException.Unprocessable("referrerId", $"member \"{memberId}\" cannot refer itself");

        ApplyOutcome outcome;
        try
        {
            outcome = await writes.SubmitAsync(new RegisterMember(memberId, referrerId, at, name, phone), ct);
        }
        catch (UnknownReferenceException e) { throw ApiProblemException.Unprocessable("referrerId", e.Message); }
        catch (IdempotencyConflictException e) { throw ApiProblemException.Conflict("memberId", e.Message); }
        catch (EngineRuleException e) { throw ApiProblemException.Unprocessable("referrerId", e.Message); }

        var stored = await RegistrationAsync(memberId, ct);
        if (outcome == ApplyOutcome.AlreadyApplied && (stored.DisplayName != name || stored.Phone != phone))
            throw ApiProblemException.Conflict("memberId",
                $"member \"{memberId}\" was already registered with a different {(stored.DisplayName != name ? "displayName" : "phone")}");
        return new ApiWrite<MemberRegistration>(outcome == ApplyOutcome.Applied, stored);
    }

    private async Task<MemberRegistration> RegistrationAsync(string memberId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var m = await db.Members.AsNoTracking().Where(x => x.ExternalId == memberId)
            .Select(x => new { x.ExternalId, Referrer = db.Members.Where(r => r.Id == x.ReferrerId).Select(r => r.ExternalId).FirstOrDefault(), x.Name, x.Phone, x.RegisteredAt })
            .FirstAsync(ct);
        return new MemberRegistration(m.ExternalId, m.Referrer, m.Name, m.Phone, Local(m.RegisteredAt));
    }

    public async Task<MemberDetail> GetMemberAsync(string memberId, CancellationToken ct)
    {
        var summary = await memberQueries.FindAsync(memberId, ct) ?? throw UnknownMember(memberId);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var extra = await db.Members.AsNoTracking().Where(m => m.Id == summary.Id)
            .Select(m => new
            {
                m.Name, m.RegisteredAt, m.LedAgents,
                Referrer = db.Members.Where(r => r.Id == m.ReferrerId).Select(r => r.ExternalId).FirstOrDefault(),
                Leader = db.Members.Where(r => r.Id == m.LeaderId).Select(r => r.ExternalId).FirstOrDefault(),
            }).FirstAsync(ct);
        var balances = await ledger.GetBalancesAsync(summary.Id, ct);
        var account = await payoutAccounts.GetMaskedAsync(summary.Id, ct);
        return new MemberDetail(summary.ExternalId, Name(summary.Rank), extra.Referrer, extra.Leader, extra.Name, Local(extra.RegisteredAt),
            summary.QualifiedReferrals, summary.TeamSize, summary.TeamAgents, summary.TeamPartners, extra.LedAgents,
            balances.PendingFen, balances.FrozenFen, balances.AvailableFen, balances.PaidFen,
            account is null ? null : Dto(account));
    }

    public async Task<EntriesPage> GetEntriesAsync(string memberId, long before, int limit, CancellationToken ct)
    {
        var member = await memberQueries.FindAsync(memberId, ct) ?? throw UnknownMember(memberId);
        var rows = await ledgerQueries.GetEntriesAsync(member.Id, before, limit + 1, ct);
        var items = rows.Take(limit).Select(e => new EntryDto(e.Id, Name(e.Kind), e.AmountFen, Name(e.Status), e.Order, e.PostingDate, e.SettlesOn)).ToList();
        return new EntriesPage(items, rows.Count > limit ? items[^1].EntryId : null);
    }

    public async Task<ReferralsPage> GetReferralsAsync(string memberId, long after, int limit, CancellationToken ct)
    {
        var member = await memberQueries.FindAsync(memberId, ct) ?? throw UnknownMember(memberId);
        var rows = await memberQueries.GetDirectReferralsAsync(member.Id, after, limit + 1, ct);
        var page = rows.Take(limit).ToList();
        return new ReferralsPage(page.Select(r => new ReferralDto(r.ExternalId, Name(r.Rank), r.QualifiedReferrals, r.TeamSize)).ToList(),
            rows.Count > limit ? page[^1].Id : null);
    }

    public Task<ApiWrite<PayoutAccountDto>> SetPayoutAccountAsync(string memberId, PayoutAccountRequest body, ApiCaller caller, CancellationToken ct)
    {
        var (name, bank, no) = (body.AccountName, body.BankName, body.AccountNo);
        return gate.RunAsync(async () =>
        {
            try
            {
                var (change, view) = await payoutAccounts.SetAsync(memberId, name, bank, no, caller.Actor, ct);
                return new ApiWrite<PayoutAccountDto>(change == PayoutAccountChange.Created, Dto(view));
            }
            catch (UnknownReferenceException) { throw UnknownMember(memberId); }
            catch (PayoutAccountValidationException e) { throw ApiProblemException.BadRequest(e.Field, e.Message); }
        }, ct);
    }

    // ---- orders -------------------------------------------------------------------------------------------------

    public async Task<ApiWrite<OrderResult>> PayAsync(OrderRequest body, ApiCaller caller, CancellationToken ct)
    {
        // Validated (ApiContracts.cs): a pack order has a packCode, a retail order an amountFen and no packCode.
        var (orderId, memberId, kind, paidAt) = (body.OrderId!, body.MemberId!, body.Kind!, body.PaidAt!.Value);
        if (OrderKindAttribute.Refusal(kind) is { } refusal) throw ApiProblemException.BadRequest("kind", refusal);
        var packCode = kind == "pack" ? body.PackCode! : null;
        var amountFen = body.AmountFen;

        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var existing = await db.Orders.AsNoTracking().Where(o => o.ExternalId == orderId)
                .Select(o => new { o.PriceFen, Pack = db.GiftPacks.Where(p => p.Id == o.PackId).Select(p => new { p.Code, p.MerchantId }).FirstOrDefault() })
                .FirstOrDefaultAsync(ct);
            if (existing is not null)
            {
                if (existing.Pack is not null) RequirePackScope(caller, existing.Pack.MerchantId, existing.Pack.Code);
                if (kind == "pack" && amountFen is long a && existing.Pack?.Code == packCode && a != existing.PriceFen)
                    throw ApiProblemException.Conflict("orderId", $"order \"{orderId}\" was already applied with different content (amount {existing.PriceFen} ≠ {a} fen)");
            }
            else
            {
                // A registration sent just before (without waiting for its answer) may still be in the write queue.
                if (!await db.Members.AnyAsync(m => m.ExternalId == memberId, ct)
                    && !await AfterQueuedWritesAsync(() => db.Members.AnyAsync(m => m.ExternalId == memberId, ct), ct))
                    throw ApiProblemException.Unprocessable("memberId", $"unknown member \"{memberId}\"");
                if (kind == "pack")
                {
                    var pack = await db.GiftPacks.AsNoTracking().FirstOrDefaultAsync(p => p.Code == packCode, ct)
                        ?? throw ApiProblemException.Unprocessable("packCode", $"unknown pack \"{packCode}\"");
                    RequirePackScope(caller, pack.MerchantId, pack.Code);
                    if (!pack.IsOn) throw ApiProblemException.Unprocessable("packCode", $"pack \"{packCode}\" is switched off");
                    if (amountFen is long a && a != pack.PriceFen)
                        throw ApiProblemException.Unprocessable("amountFen", $"amountFen {a} is not the price of pack \"{packCode}\" ({pack.PriceFen} fen)");
                }
            }
        }

        EngineEvent e = kind == "pack" ? new PayPackOrder(orderId, memberId, packCode!, paidAt) : new PayRetailOrder(orderId, memberId, amountFen!.Value, paidAt);
        ApplyOutcome outcome;
        try
        {
            outcome = await writes.SubmitAsync(e, ct);
        }
        catch (IdempotencyConflictException x) { throw ApiProblemException.Conflict("orderId", x.Message); }
        catch (UnknownReferenceException x) { throw ApiProblemException.Unprocessable(x.What == "pack" ? "packCode" : "memberId", x.Message); }
        catch (EngineRuleException x) { throw ApiProblemException.Unprocessable("paidAt", x.Message); }
        var result = await OrderResultAsync(orderId, ct);
        // The same order may have committed between the pre-check and the engine call (they no longer share a lock):
        // a different amount is then the same 409 the pre-check gives for an order it finds stored.
        if (outcome == ApplyOutcome.AlreadyApplied && kind == "pack" && amountFen is long sent && sent != result.AmountFen)
            throw ApiProblemException.Conflict("orderId", $"order \"{orderId}\" was already applied with different content (amount {result.AmountFen} ≠ {sent} fen)");
        return new ApiWrite<OrderResult>(outcome == ApplyOutcome.Applied, result);
    }

    public async Task<ApiWrite<RefundResult>> RefundAsync(string orderId, RefundRequest body, ApiCaller caller, CancellationToken ct)
    {
        var refundedAt = body.RefundedAt!.Value;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            var find = () => db.Orders.AsNoTracking().Where(o => o.ExternalId == orderId)
                .Select(o => new { o.PaidAt, Pack = db.GiftPacks.Where(p => p.Id == o.PackId).Select(p => new { p.Code, p.MerchantId }).FirstOrDefault() })
                .FirstOrDefaultAsync(ct);
            // An order sent just before (without waiting for its answer) may still be in the write queue.
            var order = await find() ?? await AfterQueuedWritesAsync(find, ct)
                ?? throw ApiProblemException.NotFound("orderId", $"unknown order \"{orderId}\"");
            if (order.Pack is not null) RequirePackScope(caller, order.Pack.MerchantId, order.Pack.Code);
            if (refundedAt < order.PaidAt)
                throw ApiProblemException.Unprocessable("refundedAt", $"refundedAt {refundedAt:O} is before the payment at {Local(order.PaidAt):O}");
        }
        ApplyOutcome outcome;
        try
        {
            outcome = await writes.SubmitAsync(new RefundOrder(orderId, refundedAt), ct);
        }
        catch (UnknownReferenceException x) { throw ApiProblemException.NotFound("orderId", x.Message); }
        catch (EngineRuleException x) { throw ApiProblemException.Unprocessable("refundedAt", x.Message); }
        return new ApiWrite<RefundResult>(outcome == ApplyOutcome.Applied, await RefundResultAsync(orderId, ct));
    }

    private async Task<OrderResult> OrderResultAsync(string orderId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var o = await db.Orders.AsNoTracking().Where(x => x.ExternalId == orderId)
            .Select(x => new
            {
                x.Id, x.Kind, x.PriceFen, x.PaidAt, x.IsQualifying,
                Member = db.Members.Where(m => m.Id == x.MemberId).Select(m => m.ExternalId).First(),
                Pack = db.GiftPacks.Where(p => p.Id == x.PackId).Select(p => p.Code).FirstOrDefault(),
            }).FirstAsync(ct);
        // What the payment did; later effects of a refund (clawbacks, the refund's rank change) are the refund's answer.
        var ranks = await RankChangesAsync(db, o.Id, reason => reason != "refund", ct);
        var entries = await EntriesAsync(db, db.LedgerEntries.Where(e => e.OrderId == o.Id && e.Kind != EntryKind.Clawback), ct);
        return new OrderResult(orderId, o.Member, o.Kind == OrderKind.Pack ? "pack" : "retail", o.Pack, o.PriceFen, Local(o.PaidAt), o.IsQualifying, ranks, entries);
    }

    private async Task<RefundResult> RefundResultAsync(string orderId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var o = await db.Orders.AsNoTracking().Where(x => x.ExternalId == orderId).Select(x => new { x.Id, x.RefundedAt }).FirstAsync(ct);
        var actor = $"refund:{orderId}";
        var cancelled = await db.LedgerStatusChanges.AsNoTracking()
            .Where(c => c.Actor == actor && c.ToStatus == EntryStatus.Cancelled).OrderBy(c => c.EntryId).Select(c => c.EntryId).ToListAsync(ct);
        var clawbacks = await EntriesAsync(db, db.LedgerEntries.Where(e => e.OrderId == o.Id && e.Kind == EntryKind.Clawback), ct);
        var ranks = await RankChangesAsync(db, o.Id, reason => reason == "refund", ct);
        return new RefundResult(orderId, Local(o.RefundedAt!.Value), cancelled, clawbacks, ranks);
    }

    private static async Task<List<RankChangeDto>> RankChangesAsync(LianDongDbContext db, long orderId, Func<string, bool> reason, CancellationToken ct)
    {
        var rows = await db.MemberRankChanges.AsNoTracking().Where(c => c.OrderId == orderId).OrderBy(c => c.Id)
            .Select(c => new { Member = db.Members.Where(m => m.Id == c.MemberId).Select(m => m.ExternalId).First(), c.FromRank, c.ToRank, c.Reason })
            .ToListAsync(ct);
        return rows.Where(r => reason(r.Reason)).Select(r => new RankChangeDto(r.Member, Name(r.FromRank), Name(r.ToRank), r.Reason)).ToList();
    }

    private static async Task<List<PostedEntryDto>> EntriesAsync(LianDongDbContext db, IQueryable<LedgerEntry> entries, CancellationToken ct)
    {
        var rows = await entries.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new { e.Id, Member = db.Members.Where(m => m.Id == e.BeneficiaryId).Select(m => m.ExternalId).First(), e.Kind, e.AmountFen, e.SettlesOn })
            .ToListAsync(ct);
        return rows.Select(r => new PostedEntryDto(r.Id, r.Member, Name(r.Kind), r.AmountFen, r.SettlesOn)).ToList();
    }

    // ---- packs --------------------------------------------------------------------------------------------------

    public Task<ApiWrite<PackDto>> PutPackAsync(string code, PackRequest body, ApiCaller caller, CancellationToken ct)
    {
        var (merchantCode, name, priceFen, costFen) = (body.MerchantCode!, body.Name!, body.PriceFen!.Value, body.CostFen!.Value);
        var (stock, active) = ((int)body.Stock!.Value, body.Active!.Value);
        if (!caller.IsPlatform && merchantCode != caller.MerchantCode)
            throw ApiProblemException.Forbidden("merchantCode", $"this key belongs to merchant \"{caller.MerchantCode}\" and may not write packs of \"{merchantCode}\"");

        return gate.RunAsync(async () =>
        {
            try
            {
                var (created, pack) = await catalogue.UpsertAsync(new PackUpsert(code, merchantCode, name, priceFen, costFen, stock, active),
                    mayCreateMerchant: caller.IsPlatform, caller.Actor, ct);
                return new ApiWrite<PackDto>(created, new PackDto(pack.Code, pack.MerchantCode, pack.Name, pack.PriceFen, pack.CostFen, pack.Stock, pack.Active, pack.SoldCount));
            }
            catch (PackOwnedElsewhereException e) { throw ApiProblemException.Conflict("code", e.Message); }
            catch (PackFigureException e) { throw ApiProblemException.Unprocessable(e.Field, e.Message); }
            catch (ComplianceViolationException e) { throw ApiProblemException.Unprocessable("active", "switching the pack on breaks the payout limit: " + e.Message); }
            catch (UnknownReferenceException e) { throw ApiProblemException.Unprocessable("merchantCode", e.Message); }
        }, ct);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /// <summary>Looks again once every event queued before now has been committed or refused.</summary>
    private async Task<T> AfterQueuedWritesAsync<T>(Func<Task<T>> look, CancellationToken ct)
    {
        await writes.FlushAsync(ct);
        return await look();
    }

    private static void RequirePackScope(ApiCaller caller, long packMerchantId, string packCode)
    {
        if (!caller.IsPlatform && caller.MerchantId != packMerchantId)
            throw ApiProblemException.Forbidden("packCode", $"pack \"{packCode}\" belongs to another merchant than this key's \"{caller.MerchantCode}\"");
    }

    private static ApiProblemException UnknownMember(string memberId) => ApiProblemException.NotFound("memberId", $"unknown member \"{memberId}\"");

    private static PayoutAccountDto Dto(PayoutAccountView v) => new(v.MemberExternalId, v.AccountName, v.BankName, v.AccountNo, Local(v.UpdatedAt));

    internal static DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, PlatformTime.Zone);

    internal static string Name<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        var s = value.ToString();
        return char.ToLowerInvariant(s[0]) + s[1..];
    }
}
