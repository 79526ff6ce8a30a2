using LianDong.Console.Features.Members;
using LianDong.Console.Features.Shared;
using LianDong.Domain;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Export;

/// <summary>
/// The Excel files finance, auditors and the bank take: each method streams one workbook to a stream (rows read with
/// AsAsyncEnumerable and written as they come). Callers check roles and scope; every export is audited here.
/// </summary>
public sealed class ExportService(IDbContextFactory<LianDongDbContext> dbs, SettlementQueryService settlements, PayoutService payouts,
    PayoutAccountService accounts, MerchantReportService merchants, TimeProvider clock)
{
    public static readonly XlsxColumn[] SettlementLineColumns =
    [
        new("会员编号", "Member id", 16, XlsxKind.Text), new("姓名", "Name", 16, XlsxKind.Text),
        new("条目数", "Entries", 10, XlsxKind.Integer, Total: true), new("结算金额(元)", "Amount (yuan)", 16, XlsxKind.Yuan, Total: true),
    ];

    /// <summary>The columns of a common Chinese bank batch-transfer (批量代发) template, in its order.</summary>
    public static readonly XlsxColumn[] BankColumns =
    [
        new("收款账号", "Account number", 24, XlsxKind.Text), new("收款户名", "Account name", 16, XlsxKind.Text), new("开户行", "Bank", 22, XlsxKind.Text),
        new("金额(元)", "Amount (yuan)", 14, XlsxKind.Yuan), new("用途", "Purpose", 16, XlsxKind.Text), new("参考号", "Reference", 20, XlsxKind.Text),
    ];

    /// <summary>What the 用途 (purpose) column says on every line.</summary>
    public const string BankPurpose = "奖励提现";

    public static readonly XlsxColumn[] LedgerColumns =
    [
        new("条目号", "Entry id", 10, XlsxKind.Integer), new("记账时间", "Posted at", 18, XlsxKind.DateTime), new("记账日期", "Posting date", 12, XlsxKind.Date),
        new("可结算日", "Settles on", 12, XlsxKind.Date), new("类型", "Kind", 22, XlsxKind.Text), new("状态", "Status", 12, XlsxKind.Text),
        new("订单", "Order", 18, XlsxKind.Text), new("金额(元)", "Amount (yuan)", 14, XlsxKind.Yuan, Total: true),
    ];

    public static readonly XlsxColumn[] PayableColumns =
    [
        new("商户编码", "Merchant code", 14, XlsxKind.Text), new("商户名称", "Merchant", 20, XlsxKind.Text), new("礼包编码", "Pack code", 12, XlsxKind.Text),
        new("礼包名称", "Pack", 20, XlsxKind.Text), new("售出数", "Sold", 10, XlsxKind.Integer, Total: true), new("售出成本(元)", "Sold cost (yuan)", 16, XlsxKind.Yuan, Total: true),
        new("退款数", "Refunded", 10, XlsxKind.Integer, Total: true), new("退款成本(元)", "Refunded cost (yuan)", 18, XlsxKind.Yuan, Total: true),
        new("应付(元)", "Payable (yuan)", 16, XlsxKind.Yuan, Total: true),
    ];

    /// <summary>Summary sheet (totals by reward kind) and lines sheet (one row per member) of one business date.</summary>
    public async Task<bool> SettlementBatchAsync(DateOnly businessDate, Stream output, string actor, CancellationToken ct = default)
    {
        var batch = await settlements.GetAsync(businessDate, ct);
        if (batch is null) return false;
        var kinds = await settlements.KindTotalsAsync(batch.Id, ct);
        using (var xlsx = new XlsxStreamWriter(output))
        {
            using (var summary = xlsx.StartSheet("结算汇总", [
                new("奖励类型", "Reward kind", 28, XlsxKind.Text), new("条目数", "Entries", 10, XlsxKind.Integer, Total: true),
                new("金额(元)", "Amount (yuan)", 16, XlsxKind.Yuan, Total: true)]))
            {
                foreach (var k in kinds) summary.WriteRow(KindName(k.Kind), (long)k.EntryCount, k.AmountFen);
                summary.WriteTotals($"合计 Total — {batch.BusinessDate:yyyy-MM-dd}, {batch.MemberCount} members");
            }
            using var lines = xlsx.StartSheet("结算明细", SettlementLineColumns);
            await foreach (var l in settlements.StreamLinesAsync(batch.Id, ct)) lines.WriteRow(l.MemberExternalId, l.MemberName, (long)l.EntryCount, l.AmountFen);
            lines.WriteTotals();
        }
        await AuditAsync(actor, $"settlement:{businessDate:yyyy-MM-dd}", "settlement batch", ct);
        return true;
    }

    /// <summary>
    /// The bank file of an approved batch (finance only; the caller checks the role): one row per line still to pay, with
    /// the full account number, account name and bank decrypted from what the line kept at build, the amount in yuan, the
    /// purpose and the line's reference, which the bank echoes back in its result. One header row and no totals row, as
    /// bank portals read it. The download is recorded first (Approved → Exported, audited with who and which batch):
    /// a batch that is not approved, or is closed or cancelled, is refused and nothing is written.
    /// </summary>
    public async Task<bool> PayoutBatchAsync(long batchId, Stream output, string actor, CancellationToken ct = default)
    {
        if (await payouts.GetBatchAsync(batchId, ct) is null) return false;
        await payouts.RecordExportAsync(batchId, actor, "xlsx", ct);
        using var xlsx = new XlsxStreamWriter(output);
        using var sheet = xlsx.StartSheet("批量代发", BankColumns, englishHeader: false);
        await foreach (var l in BankLinesAsync(batchId, ct))
            sheet.WriteRow(l.AccountNo, l.AccountName, l.BankName, l.AmountFen, BankPurpose, l.Reference);
        return true;
    }

    /// <summary>The same bank file as CSV text (RFC 4180), in UTF-8 with a byte-order mark or in GB18030 (GBK).</summary>
    public async Task<bool> PayoutBatchCsvAsync(long batchId, Stream output, System.Text.Encoding encoding, string actor, CancellationToken ct = default)
    {
        if (await payouts.GetBatchAsync(batchId, ct) is null) return false;
        await payouts.RecordExportAsync(batchId, actor, $"csv {BankText.NameOf(encoding)}", ct);
        await using var w = new StreamWriter(output, encoding, 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await w.WriteLineAsync(string.Join(',', BankColumns.Select(c => c.Chinese)));
        await foreach (var l in BankLinesAsync(batchId, ct))
            await w.WriteLineAsync(string.Join(',', new[] { l.AccountNo, l.AccountName, l.BankName, Money.FromFen(l.AmountFen).ToString("F"), BankPurpose, l.Reference }.Select(Csv)));
        return true;
    }

    public sealed record BankLine(string AccountNo, string AccountName, string BankName, long AmountFen, string Reference);

    /// <summary>The pending lines with their accounts decrypted, 500 at a time (the only place clear account details are read).</summary>
    private async IAsyncEnumerable<BankLine> BankLinesAsync(long batchId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var chunk = new List<PayoutBankLine>(500);
        async Task<List<BankLine>> RevealAsync()
        {
            // Lines built before the account was kept with the line pay the member's current account.
            var missing = chunk.Where(l => l.ProtectedAccount is null).Select(l => l.MemberId).ToList();
            var current = missing.Count == 0 ? new Dictionary<long, PayoutAccountDetails>() : await accounts.GetDetailsAsync(missing, ct);
            var rows = chunk.Select(l =>
            {
                var d = l.ProtectedAccount is { } p ? accounts.Reveal(p)
                    : current.GetValueOrDefault(l.MemberId) ?? throw new PayoutRuleException($"{l.Reference} has no payout account; the bank file cannot be made");
                return new BankLine(d.AccountNo, d.AccountName, d.BankName, l.AmountFen, l.Reference);
            }).ToList();
            chunk.Clear();
            return rows;
        }
        await foreach (var l in payouts.StreamBankLinesAsync(batchId, ct))
        {
            chunk.Add(l);
            if (chunk.Count == 500)
                foreach (var r in await RevealAsync()) yield return r;
        }
        foreach (var r in await RevealAsync()) yield return r;
    }

    /// <summary>A CSV field: quoted when it holds a comma, quote or line break (quotes doubled).</summary>
    private static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// A member's ledger entries posted on local dates from..to (inclusive), in id order, with kinds and statuses in the
    /// words of the member page (the request's language); the totals row names the member and the range, and a second
    /// sheet totals the entries per status.
    /// </summary>
    public async Task<bool> MemberLedgerAsync(string memberExternalId, DateOnly from, DateOnly to, Stream output, string actor, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var member = await db.Members.AsNoTracking().Where(m => m.ExternalId == memberExternalId).Select(m => new { m.Id, m.Name }).FirstOrDefaultAsync(ct);
        if (member is null) return false;
        var label = string.IsNullOrEmpty(member.Name) ? memberExternalId : $"{member.Name} ({memberExternalId})";
        var totals = MembersText.Format("Ledger.TotalLabel", label, $"{from:yyyy-MM-dd}", $"{to:yyyy-MM-dd}");
        var byStatus = new SortedDictionary<EntryStatus, (long Count, long Fen)>();
        using (var xlsx = new XlsxStreamWriter(output))
        {
            using (var sheet = xlsx.StartSheet(LedgerSheet, LedgerColumns))
            {
                var rows = db.LedgerEntries.AsNoTracking()
                    .Where(e => e.BeneficiaryId == member.Id && e.PostingDate >= from && e.PostingDate <= to).OrderBy(e => e.Id)
                    .Select(e => new { e.Id, e.PostedAt, e.PostingDate, e.SettlesOn, e.Kind, e.Status, e.AmountFen,
                        Order = db.Orders.Where(o => o.Id == e.OrderId).Select(o => o.ExternalId).FirstOrDefault() });
                await db.UseForStreamingAsync(ct);
                await foreach (var e in rows.AsAsyncEnumerable().WithCancellation(ct))
                {
                    sheet.WriteRow(e.Id, e.PostedAt, e.PostingDate, e.SettlesOn, Display.Kind(e.Kind), Display.Status(e.Status), e.Order, e.AmountFen);
                    var (count, fen) = byStatus.GetValueOrDefault(e.Status);
                    byStatus[e.Status] = (count + 1, fen + e.AmountFen);
                }
                sheet.WriteTotals(totals);
            }
            using var statuses = xlsx.StartSheet(LedgerStatusSheet, LedgerStatusColumns);
            foreach (var (status, (count, fen)) in byStatus) statuses.WriteRow(Display.Status(status), count, fen);
            statuses.WriteTotals(totals);
        }
        await AuditAsync(actor, $"member:{memberExternalId}", $"ledger {from:yyyy-MM-dd}..{to:yyyy-MM-dd}", ct);
        return true;
    }

    public const string LedgerSheet = "会员流水", LedgerStatusSheet = "按状态合计";

    public static readonly XlsxColumn[] LedgerStatusColumns =
    [
        new("状态", "Status", 14, XlsxKind.Text), new("条目数", "Entries", 10, XlsxKind.Integer, Total: true),
        new("金额(元)", "Amount (yuan)", 16, XlsxKind.Yuan, Total: true),
    ];

    /// <summary>Merchant payables for local dates from..to; <paramref name="merchantId"/> null = every merchant.</summary>
    public async Task MerchantPayablesAsync(long? merchantId, DateOnly from, DateOnly to, Stream output, string actor, CancellationToken ct = default)
    {
        var rows = await merchants.PayablesAsync(merchantId, from, to, ct);
        using (var xlsx = new XlsxStreamWriter(output))
        using (var sheet = xlsx.StartSheet("商户应付", PayableColumns))
        {
            foreach (var r in rows)
                sheet.WriteRow(r.MerchantCode, r.MerchantName, r.PackCode, r.PackName, (long)r.Sold, r.SoldCostFen, (long)r.Refunded, r.RefundedCostFen, r.PayableFen);
            sheet.WriteTotals($"合计 Total {from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
        }
        await AuditAsync(actor, merchantId is null ? "merchant:*" : $"merchant-id:{merchantId}", $"payables {from:yyyy-MM-dd}..{to:yyyy-MM-dd}", ct);
    }

    private async Task AuditAsync(string actor, string subject, string what, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.ExportDownload, subject, null, what));
        await db.SaveChangesAsync(ct);
    }

    public static string KindName(EntryKind kind) => kind switch
    {
        EntryKind.Direct => "直推奖 Direct reward",
        EntryKind.SeePoint => "见点奖 See-point reward",
        EntryKind.Peer => "平级奖 Peer reward",
        EntryKind.Retail => "零售佣金 Retail commission",
        EntryKind.Clawback => "冲回 Clawback",
        EntryKind.Grant => "帮扶基金 Support fund grant",
        _ => kind.ToString(),
    };

    public static string StatusName(EntryStatus status) => status switch
    {
        EntryStatus.Pending => "待结算 Pending",
        EntryStatus.Frozen => "冻结 Frozen",
        EntryStatus.Available => "可提现 Available",
        EntryStatus.Paid => "已提现 Paid",
        EntryStatus.Cancelled => "已取消 Cancelled",
        EntryStatus.Forfeited => "已没收 Forfeited",
        _ => status.ToString(),
    };
}
