using LianDong.Console.Hosting;
using LianDong.Console.Jobs;
using LianDong.Console.Settings;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Cli;

/// <summary>
/// What the verbs that touch the database share: the split of their own options from <c>--Section:Key=value</c>
/// settings, the console's configuration (same sources as the web app), and the engine's services over a migrated
/// database.
/// </summary>
internal static class CliServices
{
    /// <summary>Splits <paramref name="args"/> into the verb's options (<c>--name value</c>) and settings (<c>--Section:Key=value</c>).</summary>
    public static bool TryParse(string[] args, IReadOnlyCollection<string> optionNames, out Dictionary<string, string> options,
        out string[] settingArgs, out string? problem)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        var settings = new List<string>();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (optionNames.Contains(a))
            {
                if (i + 1 >= args.Length) { problem = $"{a} needs a value"; break; }
                if (args[i + 1].StartsWith("--", StringComparison.Ordinal)) { problem = $"{a} needs a value, not the option \"{args[i + 1]}\""; break; }
                // A repeated option is refused rather than silently resolved to its last value.
                if (!options.TryAdd(a, args[++i])) { problem = $"{a} is given more than once"; break; }
            }
            else if (a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')) settings.Add(a);
            else { problem = $"unexpected argument \"{a}\""; break; }
        }
        settingArgs = [.. settings];
        return problem is null;
    }

    /// <summary>The console's settings, or null after writing the bad settings to <paramref name="stderr"/>.</summary>
    public static LianDongSettings? LoadSettings(string[] settingArgs, TextWriter stderr)
    {
        try { return SettingsLoader.Load(ConsoleConfiguration.Build(settingArgs)); }
        catch (InvalidSettingsException e) { stderr.WriteLine(e.Message); return null; }
    }

    /// <summary>The engine's services (and the nightly job runner) over the configured database, migrated first.</summary>
    public static async Task<ServiceProvider> StartAsync(LianDongSettings settings, TextWriter log)
    {
        var sp = new ServiceCollection()
            .AddLogging()
            .AddSingleton(settings).AddSingleton(settings.Jobs).AddSingleton(settings.Demo)
            .AddLianDongPersistence(settings.ConnectionString)
            .AddLianDongEngine()
            .AddScoped<NightlyJobRunner>()
            .BuildServiceProvider();
        await using var db = await sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        if (pending.Count > 0) log.WriteLine($"applied {pending.Count} migration(s)");
        return sp;
    }
}
