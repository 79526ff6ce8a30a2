using Quartz;

namespace LianDong.Console.Jobs;

/// <summary>
/// The Quartz job behind both triggers (the daily one and the start-up catch-up). Created in a fresh DI scope per
/// execution by <see cref="ScopedJobFactory"/>; never two at once in this process. A failure is recorded on the run
/// row (outcome Failed, error) by the domain and logged here; the next run resumes it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class NightlyJob(NightlyJobRunner runner, ILogger<NightlyJob> log) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        try
        {
            var summaries = await runner.RunScheduledAsync(context.CancellationToken);
            log.LogInformation("Nightly run ({Trigger}): {Summary}", context.Trigger.Key.Name, NightlyJobRunner.Describe(summaries));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Nightly run ({Trigger}) failed; the next run resumes it", context.Trigger.Key.Name);
        }
    }
}
