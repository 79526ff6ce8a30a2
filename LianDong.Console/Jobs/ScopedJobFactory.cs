using Quartz;
using Quartz.Spi;

namespace LianDong.Console.Jobs;

/// <summary>Quartz job factory: each execution gets a fresh DI scope, disposed when the job ends.</summary>
public sealed class ScopedJobFactory(IServiceScopeFactory scopes) : IJobFactory
{
    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler) => new ScopedJob(scopes, bundle.JobDetail.JobType);

    public void ReturnJob(IJob job) { }

    private sealed class ScopedJob(IServiceScopeFactory scopes, Type jobType) : IJob
    {
        public async Task Execute(IJobExecutionContext context)
        {
            await using var scope = scopes.CreateAsyncScope();
            var job = (IJob)ActivatorUtilities.CreateInstance(scope.ServiceProvider, jobType);
            await job.Execute(context);
        }
    }
}
