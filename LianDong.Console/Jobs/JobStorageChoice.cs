using Hangfire;
using Hangfire.InMemory;

namespace LianDong.Console.Jobs;

/// <summary>
/// The one place that picks Hangfire's storage. With the embedded SQLite database it is Hangfire.InMemory: every durable
/// fact (run rows, ledger, batches) is in our own tables, so Hangfire holds only the schedule (rebuilt from settings at
/// each start) and a short history for its dashboard, which a restart may lose. A server database (PostgreSQL, a later
/// issue) plugs Hangfire.PostgreSql in here, so several console processes share one schedule and one history.
/// Hangfire.Storage.SQLite is not used: it ran one job twice and mixes another SQLitePCLRaw into EF's (ADR 0020).
/// </summary>
public static class JobStorageChoice
{
    /// <remarks>
    /// Takes the raw configuration, not the validated settings: the dashboard's middleware asks for the storage while
    /// the pipeline is built, before start-up validates the settings, and a bad setting must still stop the start with
    /// its own message (SettingsTests). Today nothing is read from it.
    /// </remarks>
    public static JobStorage For(IConfiguration configuration) => new InMemoryStorage(new InMemoryStorageOptions());
}
