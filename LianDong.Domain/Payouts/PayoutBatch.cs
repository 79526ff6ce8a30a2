namespace LianDong.Domain.Payouts;

public enum PayoutBatchStatus { Created = 0, Approved = 1, Exported = 2, Closed = 3, Cancelled = 4 }

/// <summary>What someone tries to do with a batch. Some move its status, the others need it in a given status.</summary>
public enum PayoutBatchAction { Approve, Cancel, ExportBankFile, MarkLine, ImportResult, Close }

public enum PayoutLineStatus { Pending = 0, Paid = 1, Failed = 2 }

/// <summary>
/// A payout batch (提现批次): built by one finance user, approved by another (or an admin) before any money moves,
/// exported for the bank, closed when every line is marked paid or failed; a batch not yet approved can be cancelled
/// (it moved no money). Status moves by compare-and-set.
/// </summary>
public class PayoutBatch
{
    public long Id { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public PayoutBatchStatus Status { get; private set; }
    public DateTimeOffset? ApprovedAt { get; private set; }
    public string? ApprovedBy { get; private set; }
    public DateTimeOffset? ExportedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public int LineCount { get; private set; }
    public long TotalFen { get; private set; }
    /// <summary>The minimum payout (rule set in force at build) the batch was built with.</summary>
    public long MinPayoutFen { get; private set; }

    private PayoutBatch() { }

    public PayoutBatch(DateTimeOffset createdAt, string createdBy, long minPayoutFen, int lineCount, long totalFen)
    {
        CreatedAt = createdAt; CreatedBy = createdBy; MinPayoutFen = minPayoutFen; LineCount = lineCount; TotalFen = totalFen;
        Status = PayoutBatchStatus.Created;
    }

    public string Reference => ReferenceOf(Id);

    public static string ReferenceOf(long batchId) => $"PB{batchId:D6}";

    /// <summary>
    /// The batch's state machine: built (Created) → approved by a second person (Approved) → bank file made (Exported)
    /// → every line marked (Closed); Created → Cancelled. Closed and Cancelled are final. Lines are marked and bank
    /// results imported only once the bank file exists; the bank file is made only for an approved batch that still has
    /// lines to pay. The service applies each move as a compare-and-set on <see cref="Status"/> from exactly these states.
    /// </summary>
    public static IReadOnlyList<PayoutBatchStatus> AllowedFrom(PayoutBatchAction action) => action switch
    {
        PayoutBatchAction.Approve or PayoutBatchAction.Cancel => [PayoutBatchStatus.Created],
        PayoutBatchAction.ExportBankFile => [PayoutBatchStatus.Approved, PayoutBatchStatus.Exported],
        PayoutBatchAction.MarkLine or PayoutBatchAction.ImportResult or PayoutBatchAction.Close => [PayoutBatchStatus.Exported],
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    /// <summary>The status an action leaves the batch in (the same status for actions that do not move it).</summary>
    public static PayoutBatchStatus After(PayoutBatchStatus from, PayoutBatchAction action) => action switch
    {
        PayoutBatchAction.Approve => PayoutBatchStatus.Approved,
        PayoutBatchAction.Cancel => PayoutBatchStatus.Cancelled,
        PayoutBatchAction.ExportBankFile => PayoutBatchStatus.Exported,
        PayoutBatchAction.Close => PayoutBatchStatus.Closed,
        _ => from,
    };

    public static bool IsFinal(PayoutBatchStatus status) => status is PayoutBatchStatus.Closed or PayoutBatchStatus.Cancelled;

    /// <summary>Why <paramref name="action"/> is refused for a batch in <paramref name="status"/>, or null when it is allowed.</summary>
    public static string? WhyNot(string reference, PayoutBatchStatus status, PayoutBatchAction action)
    {
        if (AllowedFrom(action).Contains(status)) return null;
        var what = action switch
        {
            PayoutBatchAction.Approve => "approved",
            PayoutBatchAction.Cancel => "cancelled",
            PayoutBatchAction.ExportBankFile => "sent to the bank",
            PayoutBatchAction.MarkLine => "marked paid or failed",
            PayoutBatchAction.ImportResult => "given a bank result",
            _ => "closed",
        };
        var because = status switch
        {
            PayoutBatchStatus.Created when action is PayoutBatchAction.ExportBankFile => "it is not approved yet",
            PayoutBatchStatus.Created => "it is not approved and its bank file has not been made",
            PayoutBatchStatus.Approved => "its bank file has not been made yet",
            PayoutBatchStatus.Exported => "it is already approved and sent to the bank",
            PayoutBatchStatus.Closed => "it is closed (every line is marked)",
            PayoutBatchStatus.Cancelled => "it was cancelled",
            _ => $"it is {status}",
        };
        return $"{reference} cannot be {what}: {because}";
    }
}

/// <summary>
/// One member's payment in a batch. The masked account (name, bank, number) is copied at build; the clear details stay
/// encrypted with the member's payout account and are decrypted only for the bank file. The ledger entries it pays are
/// listed in <see cref="PayoutLineEntry"/>.
/// </summary>
public class PayoutLine
{
    public long Id { get; private set; }
    public long BatchId { get; private set; }
    public long MemberId { get; private set; }
    public long AmountFen { get; private set; }
    public string MaskedAccountName { get; private set; } = "";
    public string BankName { get; private set; } = "";
    public string MaskedAccountNo { get; private set; } = "";
    public PayoutLineStatus Status { get; private set; }
    public DateTimeOffset? ResolvedAt { get; private set; }
    public string? ResolvedBy { get; private set; }
    public string? FailureReason { get; private set; }
    /// <summary>Unique text the bank echoes back in its result file.</summary>
    public string Reference { get; private set; } = "";
    /// <summary>
    /// The member's encrypted payout account as it was when the batch was built (what the approver saw masked), so a
    /// change of account after the build cannot redirect an approved payment. Null for lines built before it was kept.
    /// </summary>
    public string? ProtectedAccount { get; private set; }

    private PayoutLine() { }

    public PayoutLine(long batchId, long memberId, long amountFen, string maskedAccountName, string bankName, string maskedAccountNo, string reference)
    {
        if (amountFen <= 0) throw new ArgumentOutOfRangeException(nameof(amountFen), "A payout line pays a positive amount.");
        BatchId = batchId; MemberId = memberId; AmountFen = amountFen; MaskedAccountName = maskedAccountName; BankName = bankName; MaskedAccountNo = maskedAccountNo;
        Reference = reference; Status = PayoutLineStatus.Pending;
    }
}

/// <summary>A ledger entry paid by a payout line (Available → Paid at approval; back to Available if the line fails).</summary>
public class PayoutLineEntry
{
    public long Id { get; private set; }
    public long LineId { get; private set; }
    public long EntryId { get; private set; }
    public long AmountFen { get; private set; }

    private PayoutLineEntry() { }

    public PayoutLineEntry(long lineId, long entryId, long amountFen) { LineId = lineId; EntryId = entryId; AmountFen = amountFen; }
}
