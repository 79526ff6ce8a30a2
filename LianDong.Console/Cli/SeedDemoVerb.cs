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
        var report = await new DemoSeeder(NullLogger.Instance).SeedAsync(settings.ConnectionString, members, TimeProvider.System.GetUtcNow());
        stdout.WriteLine($"seeded {report.Members} members ({report.Agents} agents, {report.Partners} partners), {report.Events} events, " +
                         $"{report.LedgerEntries} ledger entries, {report.NightlyRuns} nightly runs in {report.Took.TotalSeconds:N1} s");
        return CliRunner.Ok;
    }
}
