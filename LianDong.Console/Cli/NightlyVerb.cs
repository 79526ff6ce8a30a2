using System.Globalization;
using LianDong.Console.Jobs;
using LianDong.Domain.Engine;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>nightly --date YYYY-MM-DD [--Section:Key=value ...]</c>: runs every not-yet-run business date up to D, in order,
/// through the same code as the scheduler and the Jobs page. Refuses a date that has not ended in Asia/Shanghai.
/// A date held by another process is not an error: the verb says "held by another process" and exits 0.
/// </summary>
public sealed class NightlyVerb : ICliVerb
{
    public string Name => "nightly";
    public string Usage => "nightly --date YYYY-MM-DD  run the nightly run of every not-yet-run date up to D, in order";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!CliServices.TryParse(args, ["--date"], out var options, out var settingArgs, out var problem) || !options.ContainsKey("--date"))
        {
            stderr.WriteLine($"nightly: {problem ?? "--date is required"}");
            stderr.WriteLine("usage: LianDong.Console nightly --date YYYY-MM-DD [--Section:Key=value ...]");
            return CliRunner.Usage;
        }
        if (!DateOnly.TryParseExact(options["--date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            stderr.WriteLine($"nightly: --date \"{options["--date"]}\" is not a date (YYYY-MM-DD)");
            return CliRunner.BadInput;
        }
        var settings = CliServices.LoadSettings(settingArgs, stderr);
        if (settings is null) return CliRunner.BadInput;

        await using var sp = await CliServices.StartAsync(settings, stdout);
        await using var scope = sp.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<NightlyJobRunner>();
        try
        {
            var summaries = await runner.RunByHandAsync(date, $"cli:{Environment.UserName}");
            foreach (var s in summaries) stdout.WriteLine(NightlyJobRunner.Describe(s));
            if (summaries.Count == 0) stdout.WriteLine("nothing to run");
            // Not a failure: the other process (the scheduler, a second cron entry) is doing the work. Exit 0 so cron does
            // not report it; the line says what happened, and the next run picks up whatever is left.
            if (summaries.FirstOrDefault(s => s.HeldByAnotherRunner) is { } held)
                stdout.WriteLine($"nightly: {held.BusinessDate:yyyy-MM-dd} is held by another process, which is running it; " +
                                 "this run stopped there and leaves the rest to it (exit 0)");
            return CliRunner.Ok;
        }
        catch (EngineRuleException e)
        {
            stderr.WriteLine($"nightly: --date {date:yyyy-MM-dd}: {e.Message}");
            return CliRunner.BadInput;
        }
    }
}
