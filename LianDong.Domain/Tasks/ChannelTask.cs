using LianDong.Domain.Rules;

namespace LianDong.Domain.Tasks;

public enum ChannelTaskStatus { Open = 0, Completed = 1, Expired = 2, Cancelled = 3 }

/// <summary>
/// The channel task (section 5) of a seed user of a Partner, copied from the rule set in effect when the seed
/// became an Agent. Open → Completed (by progress) | Expired (nightly run) | Cancelled (seed's order refunded).
/// </summary>
public class ChannelTask
{
    public long Id { get; private set; }
    public long SeedMemberId { get; private set; }
    public long PartnerId { get; private set; }
    public long QualifyingOrderId { get; private set; }
    public long RuleSetId { get; private set; }
    public ChannelTaskKind Kind { get; private set; }
    public int Target { get; private set; }
    public int Progress { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset Deadline { get; private set; }
    /// <summary>Local date (platform zone) of the deadline: the nightly run for this date or later expires it.</summary>
    public DateOnly DeadlineDate { get; private set; }
    public ChannelTaskStatus Status { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    private ChannelTask() { }

    public ChannelTask(long seedMemberId, long partnerId, long qualifyingOrderId, long ruleSetId, ChannelTaskKind kind,
        int target, DateTimeOffset createdAt, DateTimeOffset deadline, DateOnly deadlineDate)
    {
        SeedMemberId = seedMemberId; PartnerId = partnerId; QualifyingOrderId = qualifyingOrderId; RuleSetId = ruleSetId;
        Kind = kind; Target = target; CreatedAt = createdAt; Deadline = deadline; DeadlineDate = deadlineDate;
        Status = ChannelTaskStatus.Open;
    }

    internal void RecordProgress(DateTimeOffset at)
    {
        if (!ChannelTaskPolicy.Counts(Status, CreatedAt, Deadline, at)) return;
        Progress++;
        if (Progress >= Target) { Status = ChannelTaskStatus.Completed; ClosedAt = at; }
    }

    internal void Cancel(DateTimeOffset at)
    {
        if (Status != ChannelTaskStatus.Open) return;
        Status = ChannelTaskStatus.Cancelled;
        ClosedAt = at;
    }
}

/// <summary>Pure rules of section 5.4–5.5.</summary>
public static class ChannelTaskPolicy
{
    /// <summary>An event counts toward a task only while it is Open, after it was created and at or before its deadline.</summary>
    public static bool Counts(ChannelTaskStatus status, DateTimeOffset createdAt, DateTimeOffset deadline, DateTimeOffset eventAt) =>
        status == ChannelTaskStatus.Open && eventAt >= createdAt && eventAt <= deadline;

    public static DateTimeOffset DeadlineFor(DateTimeOffset createdAt, int days) => createdAt.AddDays(days);
}
