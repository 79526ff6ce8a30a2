using System.Diagnostics;
using System.Text.Json.Nodes;
using LianDong.Console.Export;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Settlement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Bench;

/// <summary>
/// The export stage of <c>bench</c>: the finance settlement exporter's lines sheet (see <see cref="ExportAsync"/>) with
/// the asked number of member lines. It runs in a child process (<c>bench --export-child DB --rows N</c>) that does only this, and reports its own
/// peak working set.
/// </summary>
public static class BenchExport
{
    public static async Task<JsonObject> RunChildAsync(string dbPath, int rows, TextWriter log, CancellationToken ct)
    {
        var dll = typeof(BenchExport).Assembly.Location;
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h) ? h
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        // The apphost beside the dll when there is one (a published or built console), else the dotnet host with the dll.
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        var useApphost = File.Exists(apphost) && !OperatingSystem.IsWindows();
        var psi = new ProcessStartInfo(useApphost ? apphost : host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!useApphost) psi.ArgumentList.Add(dll);
        foreach (var a in new[] { "bench", "--export-child", dbPath, "--rows", rows.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        log.WriteLine($"bench: export of {rows} settlement lines in a child process");
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("the export child process did not start");
        var stdout = child.StandardOutput.ReadToEndAsync(ct);
        var stderr = child.StandardError.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0)
            return new JsonObject { ["notMeasured"] = $"the export child process exited with {child.ExitCode}: {(await stderr).Trim()}" };
        var result = JsonNode.Parse(await stdout)!.AsObject();
        result["exporter"] = "finance's settlement export: XlsxStreamWriter lines sheet (ExportService.SettlementLineColumns) from SettlementQueryService.StreamLinesAsync, batches largest first";
        return result;
    }

    /// <summary>The child's work (sync entry point for the verb): see <see cref="ExportAsync"/>.</summary>
    public static JsonObject Export(string dbPath, int rows) => ExportAsync(dbPath, rows).GetAwaiter().GetResult();

    /// <summary>
    /// One workbook of exactly <paramref name="rows"/> settlement lines, written the way the finance settlement export
    /// writes its lines sheet (<see cref="ExportService.SettlementBatchAsync"/>): <see cref="XlsxStreamWriter"/> with
    /// <see cref="ExportService.SettlementLineColumns"/>, rows from <see cref="SettlementQueryService.StreamLinesAsync"/>
    /// as they stream, then the totals row. One business date holds fewer lines than that, so the sheet takes the
    /// batches largest first (again from the largest when the database has fewer lines in all). The file goes to a temp
    /// path and is deleted afterwards. Returns rows, batches read, seconds, peak working set and file size.
    /// </summary>
    public static async Task<JsonObject> ExportAsync(string dbPath, int rows)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = dbPath }.ToString();
        await using var sp = new ServiceCollection().AddLianDongPersistence(connectionString).AddLianDongEngine().BuildServiceProvider();
        var dbs = sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
        var settlements = sp.GetRequiredService<SettlementQueryService>();
        List<long> batches;
        await using (var db = await dbs.CreateDbContextAsync())
            batches = await db.SettlementBatches.AsNoTracking().Where(b => b.MemberCount > 0)
                .OrderByDescending(b => b.MemberCount).ThenBy(b => b.BusinessDate).Select(b => b.Id).ToListAsync();

        var file = Path.Combine(Path.GetTempPath(), $"bench-export-{Guid.NewGuid():N}.xlsx");
        var watch = Stopwatch.StartNew();
        var cpu = BenchRunner.CpuSeconds();
        var written = 0;
        var read = 0;
        long bytes;
        try
        {
            await using (var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var xlsx = new XlsxStreamWriter(output))
            using (var sheet = xlsx.StartSheet("结算明细", ExportService.SettlementLineColumns))
            {
                while (written < rows && batches.Count > 0)
                    foreach (var batch in batches)
                    {
                        read++;
                        await foreach (var l in settlements.StreamLinesAsync(batch))
                        {
                            sheet.WriteRow(l.MemberExternalId, l.MemberName, (long)l.EntryCount, l.AmountFen);
                            if (++written == rows) break;
                        }
                        if (written == rows) break;
                    }
                sheet.WriteTotals();
            }
            bytes = new FileInfo(file).Length;
        }
        finally { File.Delete(file); }
        var seconds = watch.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["rows"] = written, ["batchesRead"] = read, ["seconds"] = BenchRunner.Round(seconds), ["cpuSeconds"] = BenchRunner.Round(BenchRunner.CpuSeconds() - cpu),
            ["peakWorkingSetMb"] = BenchRunner.PeakMb(), ["fileMb"] = BenchRunner.Round(bytes / 1048576.0),
        };
    }
}
