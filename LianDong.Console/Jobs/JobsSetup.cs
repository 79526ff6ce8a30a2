using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Logging;
using LianDong.Console.Settings;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLevel = Microsoft.Extensions.Logging.LogLevel;

namespace LianDong.Console.Jobs;

/// <summary>Hangfire in the console: its services, the nightly scheduler, and the dashboard at <see cref="DashboardPath"/>.</summary>
public static class JobsSetup
{
    public const string DashboardPath = "/jobs/hangfire";

    public static IServiceCollection AddLianDongJobs(this IServiceCollection services)
    {
        // Registered before AddHangfire, which only adds what is missing: a storage and an activator per host. Its own
        // defaults are process-wide statics (JobStorage.Current), which two hosts in one process (the tests) would share.
        services.AddSingleton(sp => JobStorageChoice.For(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>())));

        // The nightly run (issue 4, on Hangfire since issue 14): after StartupTasks (migrations, demo data).
        services.AddScoped<NightlyJobRunner>();
        services.AddSingleton<NightlyScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<NightlyScheduler>());
        return services;
    }

    /// <summary>
    /// The dashboard, for a PlatformAdmin only. Mapped in every process, Jobs:Enabled or not: with in-memory storage a
    /// process without the job server shows an empty dashboard; with a shared server storage it shows the others' jobs.
    /// Placed after authentication (the filter reads the user) and before authorization, whose sign-in fallback policy
    /// would turn an anonymous 401 into a redirect. Its POSTs (trigger, delete, retry) are checked by Hangfire with the
    /// console's antiforgery service: the dashboard's own pages carry the token.
    /// </summary>
    public static IApplicationBuilder UseJobsDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new PlatformAdminDashboardFilter()],
            AppPath = "/jobs",
            DashboardTitle = "LianDong · Hangfire",
            DisplayStorageConnectionString = false,
        });

    /// <summary>
    /// Hangfire's log lines into ours. Hangfire keeps its log provider in a static, so in a process with several hosts
    /// (tests) it may hold a host's logger factory after that host is disposed: then its lines are dropped, not thrown.
    /// </summary>
    private sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
    {
        public ILog GetLogger(string name)
        {
            try { return new HangfireLog(factory.CreateLogger(name)); }
            catch (ObjectDisposedException) { return new HangfireLog(null); }
        }

        private sealed class HangfireLog(ILogger? logger) : ILog
        {
            public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
            {
                if (logger is null) return false;
                var level = logLevel switch
                {
                    HangfireLevel.Trace => MsLevel.Trace,
                    HangfireLevel.Debug => MsLevel.Debug,
                    HangfireLevel.Info => MsLevel.Information,
                    HangfireLevel.Warn => MsLevel.Warning,
                    HangfireLevel.Error => MsLevel.Error,
                    _ => MsLevel.Critical,
                };
                if (!logger.IsEnabled(level)) return false;
                if (messageFunc is null) return true; // Hangfire asks "is this level on?" with no message
                logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
                return true;
            }
        }
    }
}
