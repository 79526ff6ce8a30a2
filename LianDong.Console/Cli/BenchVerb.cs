using System.Globalization;
using System.Text.Json;
using LianDong.Console.Bench;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>bench [--members N] [--out FILE] [--db FILE]</c> (issue 7): builds a fresh database of N members (default
/// 1,000,000) through the engine and prints the JSON report of <see cref="BenchRunner"/> (also written to FILE).
/// Progress goes to stderr. Without <c>--db</c> the database is a temp file, deleted at the end.
/// <c>--export-child DB --rows N</c> is the export stage's child process.
/// </summary>
public sealed class BenchVerb : ICliVerb
{
    public string Name => "bench";
    public string Usage => "bench [--members N] [--out FILE] [--db FILE]  measure ingest, nightly run, queries and export at N members (default 1000000)";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (!CliServices.TryParse(args, ["--members", "--out", "--db", "--export-child", "--rows"], out var options, out _, out var problem))
        {
            stderr.WriteLine($"bench: {problem}");
            stderr.WriteLine("usage: LianDong.Console bench [--members N] [--out FILE] [--db FILE]");
            return CliRunner.Usage;
        }
        if (options.TryGetValue("--export-child", out var exportDb))
        {
            if (!int.TryParse(options.GetValueOrDefault("--rows", "100000"), NumberStyles.None, CultureInfo.InvariantCulture, out var rows) || rows < 1)
            {
                stderr.WriteLine("bench: --rows is not a whole number of at least 1");
                return CliRunner.BadInput;
            }
            if (!File.Exists(exportDb)) { stderr.WriteLine($"bench: --export-child \"{exportDb}\" does not exist"); return CliRunner.BadInput; }
            stdout.WriteLine(BenchExport.Export(exportDb, rows).ToJsonString());
            return CliRunner.Ok;
        }
        var members = 1_000_000;
        if (options.TryGetValue("--members", out var m) &&
            (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out members) || members < 10 || members > 10_000_000))
        {
            stderr.WriteLine($"bench: --members \"{m}\" is not a whole number from 10 to 10000000");
            return CliRunner.BadInput;
        }
        // Checked before hours of work: an --out or --db whose folder does not exist.
        foreach (var (name, file) in new[] { ("--out", options.GetValueOrDefault("--out")), ("--db", options.GetValueOrDefault("--db")) })
        {
            if (file is null) continue;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (string.IsNullOrEmpty(file.Trim()) || folder is null || !Directory.Exists(folder))
            {
                stderr.WriteLine($"bench: {name} \"{file}\": the folder does not exist");
                return CliRunner.BadInput;
            }
        }
        var ownDb = !options.TryGetValue("--db", out var dbPath);
        dbPath = Path.GetFullPath(dbPath ?? Path.Combine(Path.GetTempPath(), $"liandong-bench-{members}-{Guid.NewGuid():N}.db"));
        if (File.Exists(dbPath)) { stderr.WriteLine($"bench: --db \"{dbPath}\" already exists; bench needs a new file"); return CliRunner.BadInput; }
        try
        {
            var report = await new BenchRunner(stderr).RunAsync(members, dbPath);
            var json = report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            if (options.TryGetValue("--out", out var outFile)) await File.WriteAllTextAsync(outFile, json);
            stdout.WriteLine(json);
            return CliRunner.Ok;
        }
        finally
        {
            if (ownDb)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm" }) File.Delete(f);
            }
        }
    }
}
