namespace LianDong.Domain.Settlement;

public enum NightlyRunOutcome { Running = 0, Completed = 1, Failed = 2 }

/// <summary>
/// The nightly run of one business date. <see cref="StepReached"/> is advanced in the same transaction as the step
/// it records (compare-and-set on the previous value), so a crashed run resumes at the next step.
/// </summary>
public class NightlyRun
{
    public const int StepExpireAndForfeit = 1, StepRelease = 2, StepSettle = 3;

    public long Id { get; private set; }
    public DateOnly BusinessDate { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public NightlyRunOutcome Outcome { get; private set; }
    public int StepReached { get; private set; }
    public int Attempts { get; private set; }
    public string Actor { get; private set; } = "";
    public int ExpiredTasks { get; private set; }
    public int ForfeitedEntries { get; private set; }
    public long ForfeitedFen { get; private set; }
    public int ReleasedEntries { get; private set; }
    public int SettledEntries { get; private set; }
    public long SettledFen { get; private set; }
    public string? Error { get; private set; }
    /// <summary>The process working on (or that last worked on) this run: <c>machine:pid:processStartTicks</c>, see <see cref="RunnerIdentity"/>.</summary>
    public string? Runner { get; private set; }

    private NightlyRun() { }

    public NightlyRun(DateOnly businessDate, DateTimeOffset startedAt, string actor, string runner)
    {
        BusinessDate = businessDate; StartedAt = startedAt; Actor = actor; Runner = runner; Outcome = NightlyRunOutcome.Running; Attempts = 1;
    }
}

/// <summary>What the nightly run of one business date settled: one line per member.</summary>
public class SettlementBatch
{
    public long Id { get; private set; }
    public DateOnly BusinessDate { get; private set; }
    public long NightlyRunId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int MemberCount { get; private set; }
    public int EntryCount { get; private set; }
    public long TotalFen { get; private set; }

    private SettlementBatch() { }

    public SettlementBatch(DateOnly businessDate, long nightlyRunId, DateTimeOffset createdAt)
    {
        BusinessDate = businessDate; NightlyRunId = nightlyRunId; CreatedAt = createdAt;
    }
}

public class SettlementLine
{
    public long Id { get; private set; }
    public long BatchId { get; private set; }
    public long MemberId { get; private set; }
    public int EntryCount { get; private set; }
    public long AmountFen { get; private set; }

    private SettlementLine() { }
}
