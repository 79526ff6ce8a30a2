using LianDong.Domain.Persistence;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>backup --out FILE [--Section:Key=value ...]</c>: a consistent online copy of the configured SQLite
/// database through SQLite's backup API, while the console may keep running (docs/operations.md says how to restore).
/// The Data Protection keys are a table of the database, so the copy decrypts payout accounts on its own.
/// </summary>
public sealed class BackupVerb : ICliVerb
{
    public string Name => "backup";
    public string Usage => "backup --out FILE  copy the database online (SQLite backup API), keys included, to a new file; see docs/operations.md";

    public Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!CliServices.TryParse(args, ["--out"], out var options, out var settingArgs, out var problem)
            || !options.TryGetValue("--out", out var outFile) || string.IsNullOrWhiteSpace(outFile))
        {
            stderr.WriteLine($"backup: {problem ?? "--out FILE is required"}");
            stderr.WriteLine("usage: LianDong.Console backup --out FILE [--Section:Key=value ...]");
            return Task.FromResult(CliRunner.Usage);
        }
        var settings = CliServices.LoadSettings(settingArgs, stderr);
        if (settings is null) return Task.FromResult(CliRunner.BadInput);
        try
        {
            var result = DatabaseBackup.Run(settings.ConnectionString, outFile);
            stdout.WriteLine($"backed up to {result.File}: {result.Bytes:N0} bytes, {result.Members:N0} members, " +
                $"{result.LedgerEntries:N0} ledger entries, in {result.Elapsed.TotalSeconds:N1} s; {result.DataProtectionKeys:N0} Data Protection key(s) included");
            var oldKeys = Hosting.DataProtectionSetup.KeysFolderPath(settings.ConnectionString);
            if (result.DataProtectionKeys == 0 && Directory.Exists(oldKeys) && Directory.GetFiles(oldKeys, "*.xml").Length > 0)
                stderr.WriteLine($"backup: warning: the keys are still in {oldKeys}, not in the database; start the console once " +
                                 "(it moves them in), then back up again, or keep a copy of that folder with this backup");
            return Task.FromResult(CliRunner.Ok);
        }
        catch (BackupException e)
        {
            stderr.WriteLine($"backup: {e.Message}");
            return Task.FromResult(CliRunner.BadInput);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            stderr.WriteLine($"backup: --out {outFile}: SQLite refused: {e.Message}");
            return Task.FromResult(CliRunner.BadInput);
        }
        catch (IOException e)
        {
            stderr.WriteLine($"backup: --out {outFile}: {e.Message}");
            return Task.FromResult(CliRunner.BadInput);
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"backup: --out {outFile}: {e.Message}");
            return Task.FromResult(CliRunner.BadInput);
        }
    }
}
