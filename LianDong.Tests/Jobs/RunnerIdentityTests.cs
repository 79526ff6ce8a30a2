using System.Diagnostics;
using LianDong.Domain.Settlement;

namespace LianDong.Tests.Jobs;

public class RunnerIdentityTests
{
    [Fact]
    public void A_live_process_is_never_taken_for_dead_and_a_gone_or_reused_pid_is()
    {
        Assert.False(RunnerIdentity.IsDeadOnThisMachine(RunnerIdentity.Current));
        // Read afresh, as another process would (Linux start times jitter by up to milliseconds between readings).
        using (var me = Process.GetCurrentProcess())
            Assert.False(RunnerIdentity.IsDeadOnThisMachine(RunnerIdentity.Describe(Environment.MachineName, me.Id,
                me.StartTime.ToUniversalTime().Ticks + TimeSpan.TicksPerMillisecond * 50)));
        Assert.True(RunnerIdentity.IsDeadOnThisMachine(RunnerIdentity.Describe(Environment.MachineName, int.MaxValue, 1)));
        using (var me = Process.GetCurrentProcess()) // same pid, started an hour earlier: the pid was reused
            Assert.True(RunnerIdentity.IsDeadOnThisMachine(RunnerIdentity.Describe(Environment.MachineName, me.Id,
                me.StartTime.ToUniversalTime().AddHours(-1).Ticks)));
        Assert.False(RunnerIdentity.IsDeadOnThisMachine(RunnerIdentity.Describe("another-machine", int.MaxValue, 1)));
        Assert.False(RunnerIdentity.IsDeadOnThisMachine(null));
        Assert.False(RunnerIdentity.IsDeadOnThisMachine("garbage"));
    }
}
