using System.Diagnostics;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.Data.Sqlite;

namespace LianDong.Console.Bench;

/// <summary>
/// The export stage of <c>bench</c>. The finance branch's settlement exporter is not in main yet, so the bench measures
/// the export it can do with what is in main: settlement lines (business date, member, entries, ¥ amount) streamed with
/// DocumentFormat.OpenXml's <see cref="OpenXmlWriter"/> into an .xlsx, reading SQLite with a forward-only reader. When
/// the database holds fewer lines than asked, it reads them again from the start until the row count is reached, so
/// the file always has the same size. It runs in a child process (<c>bench --export-child DB --rows N</c>) that does only
/// this, and reports its own peak working set.
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
        result["exporter"] = "bench's streaming OpenXmlWriter .xlsx of SettlementLines (finance's exporter is not in main)";
        return result;
    }

    /// <summary>The child's work: writes the file to a temp path (deleted afterwards) and returns rows, seconds, peak working set.</summary>
    public static JsonObject Export(string dbPath, int rows)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-export-{Guid.NewGuid():N}.xlsx");
        var watch = Stopwatch.StartNew();
        var written = 0;
        long bytes;
        try
        {
            using (var doc = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook))
            {
                var wb = doc.AddWorkbookPart();
                var ws = wb.AddNewPart<WorksheetPart>();
                using (var w = OpenXmlWriter.Create(ws))
                {
                    w.WriteStartElement(new Worksheet());
                    w.WriteStartElement(new SheetData());
                    WriteRow(w, ["业务日期 Business date", "会员 Member", "姓名 Name", "条数 Entries", "金额 Amount (¥)"]);
                    using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Mode = SqliteOpenMode.ReadOnly }.ToString());
                    c.Open();
                    while (written < rows)
                    {
                        var before = written;
                        using var cmd = c.CreateCommand();
                        cmd.CommandText = "SELECT b.BusinessDate, m.ExternalId, m.Name, l.EntryCount, l.AmountFen FROM SettlementLines l " +
                                          "JOIN SettlementBatches b ON b.Id = l.BatchId JOIN Members m ON m.Id = l.MemberId ORDER BY l.Id LIMIT $n";
                        cmd.Parameters.AddWithValue("$n", rows - written);
                        using var r = cmd.ExecuteReader();
                        while (r.Read())
                        {
                            var fen = r.GetInt64(4);
                            WriteRow(w, [r.GetString(0), r.GetString(1), r.IsDBNull(2) ? "" : r.GetString(2)], r.GetInt32(3), fen / 100m);
                            written++;
                        }
                        if (written == before) break; // no settlement lines at all
                    }
                    w.WriteEndElement();
                    w.WriteEndElement();
                }
                var sheets = wb.Workbook = new Workbook();
                sheets.AppendChild(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "Settlement" }));
                wb.Workbook.Save();
            }
            bytes = new FileInfo(file).Length;
        }
        finally { File.Delete(file); }
        var seconds = watch.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["rows"] = written, ["seconds"] = BenchRunner.Round(seconds), ["peakWorkingSetMb"] = BenchRunner.PeakMb(),
            ["fileMb"] = BenchRunner.Round(bytes / 1048576.0),
        };
    }

    private static void WriteRow(OpenXmlWriter w, string[] texts, int? count = null, decimal? yuan = null)
    {
        w.WriteStartElement(new Row());
        foreach (var t in texts)
        {
            w.WriteStartElement(new Cell { DataType = CellValues.InlineString });
            w.WriteElement(new InlineString(new Text(t)));
            w.WriteEndElement();
        }
        // Amount shown with two decimals from integer fen: fen / 100m is exact (display only, never stored).
        if (count is { } n) w.WriteElement(new Cell(new CellValue(n)) { DataType = CellValues.Number });
        if (yuan is { } y) w.WriteElement(new Cell(new CellValue(y)) { DataType = CellValues.Number });
        w.WriteEndElement();
    }
}
