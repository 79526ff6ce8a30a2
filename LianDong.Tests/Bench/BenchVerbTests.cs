using System.Diagnostics;
using System.Text.Json.Nodes;
using LianDong.Console.Cli;
using LianDong.Tests.Support;

namespace LianDong.Tests.Bench;

/// <summary>
/// <c>bench</c> end to end as a real process (its export stage starts a child process of its own): the report has every
/// field of issue 7, the counts agree with each other, and the ledger invariants hold afterwards. The figures
/// themselves are not asserted (they depend on the machine).
/// </summary>
public class BenchVerbTests
{
    private static readonly string[] QueryNames = ["rootChildren", "bigNodeChildren", "subtreeCounts", "ancestors", "searchById", "searchByPhone", "searchByNamePrefix"];

    [Fact]
    public async Task Bench_at_2000_members_prints_a_complete_report_whose_invariants_hold()
    {
        var dir = Directory.CreateTempSubdirectory("liandong-bench-test-");
        try
        {
            var outFile = Path.Combine(dir.FullName, "report.json");
            var dbFile = Path.Combine(dir.FullName, "bench.db");
            var psi = new ProcessStartInfo(ConsoleProcess.ExecutablePath)
            {
                WorkingDirectory = dir.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "bench", "--members", "2000", "--out", outFile, "--db", dbFile }) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
            {
                try { await process.WaitForExitAsync(timeout.Token); }
                catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
            }
            Assert.True(process.ExitCode == CliRunner.Ok, await stderr);
            Assert.Contains("bench: ingest", await stderr); // progress goes to stderr

            var report = JsonNode.Parse(await stdout)!.AsObject();
            Assert.Equal(report.ToJsonString(), JsonNode.Parse(await File.ReadAllTextAsync(outFile))!.ToJsonString());
            Assert.Equal(2000, report["members"]!.GetValue<int>());

            var ingest = report["ingest"]!;
            var events = ingest["events"]!.GetValue<long>();
            var entries = ingest["entries"]!.GetValue<long>();
            Assert.True(events > 2000, "every member registers, and some order");
            Assert.True(entries > 0);
            Assert.True(ingest["seconds"]!.GetValue<double>() > 0);
            Assert.True(ingest["eventsPerSecond"]!.GetValue<double>() > 0);
            Assert.True(ingest["entriesPerSecond"]!.GetValue<double>() > 0);
            // Ingest goes through the API's write queue; the batches it formed add up to the events, none refused.
            var batches = ingest["batches"]!.GetValue<long>();
            Assert.True(batches > 0 && batches <= events, $"{batches} batches");
            Assert.InRange(ingest["maxBatchSize"]!.GetValue<int>(), 2, ingest["batchSize"]!.GetValue<int>());
            Assert.True(Math.Abs(ingest["avgBatchSize"]!.GetValue<double>() * batches - events) <= batches * 0.01, "avgBatchSize × batches = events"); // avg is rounded to 2 decimals
            Assert.Equal(0, ingest["refusedBatches"]!.GetValue<long>());
            Assert.Equal(entries, report["rawInsert"]!["rows"]!.GetValue<long>());
            Assert.True(report["rawInsert"]!["rowsPerSecond"]!.GetValue<double>() > 0);
            Assert.True(report["ingestVsRawRatio"]!.GetValue<double>() > 0);
            // The split of the ratio's gap: the engine's own rows raw into a copy of the real ledger table, every index.
            var same = report["rawInsertSameSchema"]!;
            Assert.Equal(entries, same["rows"]!.GetValue<long>());
            Assert.True(same["rowsPerSecond"]!.GetValue<double>() > 0);
            Assert.Equal(7, same["indexes"]!.GetValue<int>());
            Assert.True(same["ingestVsThisRatio"]!.GetValue<double>() > 0);

            var nightly = report["nightly"]!;
            Assert.True(nightly["settled"]!.GetValue<long>() > 0);
            Assert.True(nightly["seconds"]!.GetValue<double>() >= 0);
            Assert.Equal(0, report["nightlyRerun"]!["posted"]!.GetValue<long>());
            Assert.True(report["nightlyRerun"]!["allAlreadyCompleted"]!.GetValue<bool>());
            Assert.True(report["nightlyRerun"]!["seconds"]!.GetValue<double>() >= 0);

            var queries = report["queries"]!.AsObject();
            Assert.Equal(QueryNames.Order(), queries.Select(q => q.Key).Order());
            foreach (var (name, q) in queries)
            {
                var (p50, p95, max) = (q!["p50Ms"]!.GetValue<double>(), q["p95Ms"]!.GetValue<double>(), q["maxMs"]!.GetValue<double>());
                Assert.True(0 <= p50 && p50 <= p95 && p95 <= max, $"{name}: p50 {p50}, p95 {p95}, max {max}");
            }
            Assert.True(queries["bigNodeChildren"]!["directReferrals"]!.GetValue<int>() >= 100, "one node gets a large fan-out");
            Assert.True(report["dashboardMs"]!.GetValue<double>() > 0);

            var export = report["export"]!;
            Assert.True(export["notMeasured"] is null, export.ToJsonString());
            Assert.Equal(100_000, export["rows"]!.GetValue<int>());
            Assert.True(export["seconds"]!.GetValue<double>() > 0);
            Assert.True(export["peakWorkingSetMb"]!.GetValue<double>() > 0);
            Assert.True(report["dbFileMb"]!.GetValue<double>() > 0);
            Assert.True(report["peakWorkingSetMb"]!.GetValue<double>() > 0);

            // Every target is evaluated; a missed one says why (whether it is met depends on the machine, so not asserted).
            var targets = report["targets"]!.AsObject();
            Assert.Equal(7, targets.Count);
            foreach (var (name, t) in targets)
                Assert.True(t!["met"]!.GetValue<bool>() || t["why"] is not null, $"{name} is missed without a reason");

            // Ledger sums: settlement lines = batches = what the nightly runs settled; the ledger's total is the sum over its statuses.
            var inv = report["invariants"]!;
            Assert.Equal(nightly["settledFen"]!.GetValue<long>(), inv["settlementLinesFen"]!.GetValue<long>());
            Assert.Equal(inv["settlementLinesFen"]!.GetValue<long>(), inv["settlementBatchesFen"]!.GetValue<long>());
            Assert.Equal(nightly["settled"]!.GetValue<long>(), inv["settlementLineEntries"]!.GetValue<long>());
            Assert.Equal(inv["ledgerFen"]!.GetValue<long>(), inv["ledgerFenByStatusSum"]!.GetValue<long>());

            // The database left behind (--db keeps it): the raw-insert baselines dropped their tables and left the ledger as the engine wrote it.
            Assert.Equal(0, await ScalarAsync(dbFile, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'BenchRawLedgerEntries' OR tbl_name = 'BenchRawLedgerCopy'"));
            Assert.Equal(entries, await ScalarAsync(dbFile, "SELECT COUNT(*) FROM LedgerEntries"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--members", "many", CliRunner.BadInput)]
    [InlineData("--members", "5", CliRunner.BadInput)]
    [InlineData("--colour", "red", CliRunner.Usage)]
    [InlineData("--out", "/no/such/folder/report.json", CliRunner.BadInput)]
    [InlineData("--db", "/no/such/folder/bench.db", CliRunner.BadInput)]
    public async Task Bench_refuses_bad_options(string option, string value, int exitCode)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(exitCode, await CliRunner.RunAsync(["bench", option, value], stdout, stderr));
        Assert.Contains(option, stderr.ToString());
    }

    private static async Task<long> ScalarAsync(string db, string sql)
    {
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db}");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
