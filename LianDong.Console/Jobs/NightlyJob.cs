using Hangfire;

namespace LianDong.Console.Jobs;

/// <summary>
/// The Hangfire job behind the recurring nightly run and its start-up catch-up. Hangfire makes it in a fresh DI scope
/// per execution and may run it twice (a retry, a trigger from the dashboard beside the cron, a second worker): that
/// is safe because the run row per business date is the lock (ADR 0020), not anything Hangfire does.
/// <para>
/// A failure is recorded on the run row (outcome Failed, step reached, error) by the domain and rethrown here, so
/// Hangfire retries with backoff; a retry takes the Failed row over and resumes at the next step.
/// </para>
/// </summary>
public sealed class NightlyJob(NightlyJobRunner runner, ILogger<NightlyJob> log)
{
    /// <summary>Retry delays: a locked file or a full disk often clears within minutes; past the last one, the next night (or a start-up) resumes.</summary>
    public static readonly int[] RetryDelaysInSeconds = [60, 300, 900];

    // The attribute needs constants: keep it in step with RetryDelaysInSeconds (a test checks).
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = new[] { 60, 300, 900 }, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Nightly run (every date not yet run, up to yesterday)")]
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var summaries = await runner.RunScheduledAsync(ct);
            log.LogInformation("Nightly run: {Summary}", NightlyJobRunner.Describe(summaries));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Nightly run failed; its run row records where it stopped and the retry resumes there");
            throw;
        }
    }
}
