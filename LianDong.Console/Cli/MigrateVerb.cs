using LianDong.Console.Hosting;
using LianDong.Console.Settings;
using LianDong.Domain.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Cli;

/// <summary><c>migrate [--Section:Key=value ...]</c>: applies pending migrations with the console's own configuration, then exits.</summary>
public sealed class MigrateVerb : ICliVerb
{
    public string Name => "migrate";
    public string Usage => "migrate [--Key=Value ...]  apply database migrations and exit (same settings as the console)";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var bad = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) || !a.Contains('='));
        if (bad is not null)
        {
            stderr.WriteLine($"migrate: unexpected argument \"{bad}\" (settings are given as --Section:Key=value)");
            CliRunner.PrintUsage(stderr);
            return CliRunner.Usage;
        }

        LianDongSettings settings;
        try
        {
            settings = SettingsLoader.Load(ConsoleConfiguration.Build(args));
        }
        catch (InvalidSettingsException e)
        {
            stderr.WriteLine(e.Message);
            return CliRunner.BadInput;
        }

        var options = new DbContextOptionsBuilder<LianDongDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, PersistenceServiceCollectionExtensions.Prepare(settings.ConnectionString));
        await using var db = new LianDongDbContext(options.Options);
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        var file = new SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;
        stdout.WriteLine(pending.Count == 0
            ? $"database {file} is up to date"
            : $"applied {pending.Count} migration(s) to {file}: {string.Join(", ", pending)}");
        return CliRunner.Ok;
    }
}
