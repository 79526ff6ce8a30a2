using System.Globalization;
using LianDong.Console.Demo;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>seed-demo --members N [--Section:Key=value ...]</c>: fills an empty database with a demo platform of N members
/// (60 days of history, see <see cref="DemoPlan"/>). A database that already has data is refused (exit 1).
/// </summary>
public sealed class SeedDemoVerb : ICliVerb
{
    public string Name => "seed-demo";
    public string Usage => "seed-demo --members N  fill an empty database with a demo platform of N members (60 days of history)";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!CliServices.TryParse(args, ["--members"], out var options, out var settingArgs, out var problem) || !options.ContainsKey("--members"))
        {
            stderr.WriteLine($"seed-demo: {problem ?? "--members is required"}");
            stderr.WriteLine("usage: LianDong.Console seed-demo --members N [--Section:Key=value ...]");
            return CliRunner.Usage;
        }
        if (!int.TryParse(options["--members"], NumberStyles.None, CultureInfo.InvariantCulture, out var members) || members < 1 || members > 1_000_000)
        {
            stderr.WriteLine($"seed-demo: --members \"{options["--members"]}\" is not a whole number from 1 to 1000000");
            return CliRunner.BadInput;
        }
        var settings = CliServices.LoadSettings(settingArgs, stderr);
        if (settings is null) return CliRunner.BadInput;

        await using var sp = await CliServices.StartAsync(settings, stdout);
        if (!await DemoSeeder.IsEmptyAsync(sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>()))
        {
            stderr.WriteLine("seed-demo: the database already has data (members, merchants, packs or rule sets); demo data goes only into an empty database");
            return CliRunner.BadInput;
        }
        stderr.WriteLine($"seed-demo: seeding {members:N0} members over {DemoPlan.Days} days of history; progress follows");
        var report = await new DemoSeeder(NullLogger.Instance).SeedAsync(settings.ConnectionString, members, TimeProvider.System.GetUtcNow(),
            progress: new ProgressLines(stderr));
        stdout.WriteLine($"seeded {report.Members} members ({report.Agents} agents, {report.Partners} partners), {report.Events} events, " +
                         $"{report.LedgerEntries} ledger entries, {report.NightlyRuns} nightly runs in {report.Took.TotalSeconds:N1} s");
        return CliRunner.Ok;
    }

    /// <summary>
    /// One line on stderr (stdout keeps the one-line result) each time another tenth of the events is in, e.g.
    /// <c>seed-demo: 30% (12,000 of 40,000 events, day 18 of 61)</c>. Reported synchronously: an
    /// <see cref="Progress{T}"/> would post lines after the result line.
    /// </summary>
    private sealed class ProgressLines(TextWriter stderr) : IProgress<DemoSeedProgress>
    {
        private int _lastTenth = -1;

        public void Report(DemoSeedProgress p)
        {
            var percent = p.Events == 0 ? 100 : (int)(100L * p.EventsApplied / p.Events);
            if (percent / 10 == _lastTenth && p.Day < p.Days) return;
            _lastTenth = percent / 10;
            stderr.WriteLine($"seed-demo: {percent}% ({p.EventsApplied:N0} of {p.Events:N0} events, day {p.Day} of {p.Days})");
        }
    }
}
