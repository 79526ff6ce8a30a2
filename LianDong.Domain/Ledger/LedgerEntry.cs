namespace LianDong.Domain.Ledger;

public enum EntryKind { Direct = 0, SeePoint = 1, Peer = 2, Retail = 3, Clawback = 4, Grant = 5 }

public enum EntryStatus { Pending = 0, Frozen = 1, Available = 2, Paid = 3, Cancelled = 4, Forfeited = 5 }

/// <summary>
/// One posting in the rewards ledger. Everything but <see cref="Status"/> is fixed at posting; a row is never
/// deleted. Status moves only along <see cref="LedgerTransitions"/>, by compare-and-set updates that are recorded
/// in <see cref="LedgerStatusChange"/>.
/// </summary>
public class LedgerEntry
{
    public long Id { get; private set; }
    public long BeneficiaryId { get; private set; }
    public EntryKind Kind { get; private set; }
    public long AmountFen { get; private set; }
    public long? OrderId { get; private set; }
    public long? RuleSetId { get; private set; }
    public long? ChannelTaskId { get; private set; }
    /// <summary>For a Clawback: the entry it reverses.</summary>
    public long? ReversesEntryId { get; private set; }
    public DateTimeOffset PostedAt { get; private set; }
    /// <summary>Local date (platform zone) of the event that posted the entry.</summary>
    public DateOnly PostingDate { get; private set; }
    /// <summary>PostingDate + settlementDelayDays of the posting rule set: the first business date it may settle on.</summary>
    public DateOnly SettlesOn { get; private set; }
    public string IdempotencyKey { get; private set; } = "";
    public EntryStatus Status { get; private set; }

    private LedgerEntry() { }

    public LedgerEntry(long beneficiaryId, EntryKind kind, long amountFen, long? orderId, long? ruleSetId, long? channelTaskId,
        long? reversesEntryId, DateTimeOffset postedAt, DateOnly postingDate, DateOnly settlesOn, string idempotencyKey, EntryStatus status)
    {
        if (amountFen == 0) throw new ArgumentOutOfRangeException(nameof(amountFen), "A ledger entry never carries 0 fen.");
        if (kind == EntryKind.Clawback ? amountFen > 0 : amountFen < 0)
            throw new ArgumentOutOfRangeException(nameof(amountFen), $"{kind} entries carry {(kind == EntryKind.Clawback ? "negative" : "positive")} amounts.");
        BeneficiaryId = beneficiaryId; Kind = kind; AmountFen = amountFen; OrderId = orderId; RuleSetId = ruleSetId;
        ChannelTaskId = channelTaskId; ReversesEntryId = reversesEntryId; PostedAt = postedAt; PostingDate = postingDate;
        SettlesOn = settlesOn; IdempotencyKey = idempotencyKey; Status = status;
    }
}

/// <summary>A recorded status move of a ledger entry: who or which run, when.</summary>
public class LedgerStatusChange
{
    public long Id { get; private set; }
    public long EntryId { get; private set; }
    public EntryStatus FromStatus { get; private set; }
    public EntryStatus ToStatus { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Actor { get; private set; } = "";
    public long? NightlyRunId { get; private set; }

    private LedgerStatusChange() { }

    public LedgerStatusChange(long entryId, EntryStatus from, EntryStatus to, DateTimeOffset at, string actor, long? nightlyRunId)
    {
        EntryId = entryId; FromStatus = from; ToStatus = to; At = at; Actor = actor; NightlyRunId = nightlyRunId;
    }
}

/// <summary>The only status moves a ledger entry may make.</summary>
public static class LedgerTransitions
{
    public static bool IsAllowed(EntryStatus from, EntryStatus to) => (from, to) switch
    {
        (EntryStatus.Pending, EntryStatus.Available) => true,
        (EntryStatus.Available, EntryStatus.Paid) => true,
        (EntryStatus.Frozen, EntryStatus.Pending) => true,
        (EntryStatus.Frozen, EntryStatus.Forfeited) => true,
        (EntryStatus.Pending, EntryStatus.Cancelled) => true,
        (EntryStatus.Frozen, EntryStatus.Cancelled) => true,
        (EntryStatus.Paid, EntryStatus.Available) => true, // only when a payout line fails
        _ => false,
    };

    public static string KeyForOrderReward(long orderId, string slot, long beneficiaryId, bool frozen) =>
        $"ord:{orderId}:{slot}:{beneficiaryId}:{(frozen ? "frozen" : "pending")}";

    public static string KeyForClawback(long entryId) => $"clawback:{entryId}";
    public static string KeyForGrant(string grantId) => $"grant:{grantId}";
}
