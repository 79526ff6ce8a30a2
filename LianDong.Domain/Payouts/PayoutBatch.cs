namespace LianDong.Domain.Payouts;

public enum PayoutBatchStatus { Created = 0, Approved = 1, Exported = 2, Closed = 3, Cancelled = 4 }

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

    public string Reference => $"PB{Id:D6}";
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
