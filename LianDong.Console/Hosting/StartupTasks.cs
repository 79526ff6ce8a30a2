using LianDong.Console.Demo;
using LianDong.Console.Settings;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Hosting;

/// <summary>
/// Runs before the web server starts listening (IHostedLifecycleService.StartingAsync runs before any
/// StartAsync, Kestrel's included): parse the settings (a bad one stops start-up naming it), check the listening
/// addresses are free, apply
/// migrations, make sure the roles and the first admin exist. Runs in the test hosts too, where code
/// after <c>Build()</c> in Program.cs would not.
/// </summary>
public sealed class StartupTasks(IServiceProvider services, ILogger<StartupTasks> log) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken ct)
    {
        var settings = services.GetRequiredService<LianDongSettings>();
        // A taken port stops start-up here, before migrations or demo seeding write anything (Kestrel binds only
        // after this method). Not for the in-memory test server, which listens nowhere.
        if (services.GetRequiredService<IServer>().GetType().Namespace?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true)
            ListenAddresses.EnsureFree(ListenAddresses.Configured(services.GetRequiredService<IConfiguration>()));

        var factory = services.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            await db.Database.MigrateAsync(ct);
            if (pending.Count > 0)
                log.LogInformation("Applied {Count} migration(s) to {ConnectionString}", pending.Count, settings.ConnectionString);
        }

        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FirstAdminSeeder>().EnsureAsync(ct);

        // First run: a populated console to look at (Demo:SeedOnFirstRun=false turns it off). Before the web server
        // listens and before the nightly scheduler starts, so neither sees a half-seeded platform.
        if (settings.Demo.SeedOnFirstRun && settings.Demo.Members > 0 && await DemoSeeder.IsEmptyAsync(factory, ct))
        {
            log.LogInformation("First run: seeding demo data ({Members} members; Demo:SeedOnFirstRun=false turns this off)", settings.Demo.Members);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            await new DemoSeeder(log).SeedAsync(settings.ConnectionString, settings.Demo.Members, now, ct);
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
