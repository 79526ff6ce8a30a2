using System.Diagnostics;
using System.Globalization;

namespace LianDong.Domain.Settlement;

/// <summary>
/// Who is working on a nightly run: <c>machine:pid:processStartTicks</c>. The run row (unique per business date) is the
/// lock; this tells a row held by a live process (leave it alone) from one left Running by a process that died
/// (take it over). Liveness is only knowable on the same machine; a Running row of another machine is never taken
/// over automatically (SQLite runs on one machine anyway). No timeouts: a lock never expires while its job still runs.
/// </summary>
public static class RunnerIdentity
{
    public static string Current { get; } = Describe(Environment.MachineName, Environment.ProcessId, StartTicks(Process.GetCurrentProcess()));

    public static string Describe(string machine, int pid, long startTicks) =>
        string.Create(CultureInfo.InvariantCulture, $"{machine}:{pid}:{startTicks}");

    /// <summary>True when <paramref name="runner"/> names a process on this machine that no longer runs.</summary>
    public static bool IsDeadOnThisMachine(string? runner)
    {
        if (runner is null) return false;
        var parts = runner.Split(':');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            // Linux derives a process's start time from the boot time, which .NET computes afresh (now − uptime) in each
            // process: two readings of one process differ by microseconds to milliseconds. A reused pid starts later.
            return Math.Abs(StartTicks(p) - ticks) > TimeSpan.TicksPerSecond; // the pid was reused by another process
        }
        catch (ArgumentException) { return true; } // no such process
        catch (InvalidOperationException) { return true; } // it exited meanwhile
    }

    private static long StartTicks(Process p) => p.StartTime.ToUniversalTime().Ticks;
}
