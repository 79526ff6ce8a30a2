using LianDong.Console.Cli;
using LianDong.Tests.Support;
using Xunit.Abstractions;

namespace LianDong.Tests.Security;

/// <summary>
/// Issue 8, bad input beyond the API: wrong, missing and duplicate options, hostile values, unicode confusables and
/// huge numbers to every CLI verb but replay (fuzzed in <see cref="FuzzTests"/>). Each must exit non-zero with a
/// message naming what is wrong, never throw (an unhandled exception is a stack trace from the executable), and
/// leave the database (a seeded demo platform) exactly as it was.
/// </summary>
public class CliFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] HostileValues =
    [
        "", " ", "\u200b", "\u202e10", "１０", "10\u200b", "٣", "1０", "-1", "0", "+5", "1e6", "0x10", "NaN", "1.5", "1,000",
        "99999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "'; DROP TABLE Members; --",
        "<script>", "😀", "ｒｏｏｔ", "rооt", new string('9', 5000), "../../etc/passwd", "C:\\windows", "\t", "--", "-",
    ];

    private static readonly string[] HostileDates =
    [
        "２０２６-０１-０１", "2026‐01‐01" /* U+2010 */, "2026-1-1", "2026/01/01", "20260101", "2026-02-30", "2026-13-01", "0000-01-01",
        "9999-12-31", "0001-01-01", "2000-02-29", "10000-01-01", "2026-01-01T00:00", "2026-01-01 ", " 2026-01-01", "yesterday", "-2026-01-01",
    ];

    /// <summary>Cases: the arguments and the texts of which one must appear in the message.</summary>
    private static IEnumerable<(string[] Args, string[] Names)> Cases(string db, string existingFile, string fileAsFolder)
    {
        var cs = $"--ConnectionStrings:Default=Data Source={db}";
        // Unknown verbs, confusable verb names.
        foreach (var v in new[] { "Migrate", "ｍigrate", "migrate\u200b", "nightly-run", "api-keys", "backup2", "seed_demo" })
            yield return ([v, cs], [v]);

        // migrate: settings only.
        foreach (var a in new[] { "--frobnicate", "x", "-c", "--ConnectionStrings:Default", "—ConnectionStrings:Default=x" /* em dash */ })
            yield return (["migrate", a], [a]);
        foreach (var (setting, value) in new[]
                 {
                     ("ConnectionStrings:Default", ""), ("ConnectionStrings:Default", "Foo=Bar"), ("ConnectionStrings:Default", "Data Source="),
                     ("ConnectionStrings:Default", $"Data Source={fileAsFolder}/x.db"), ("ConnectionStrings:Default", "Data Source=/proc/liandong/x.db"),
                     ("Jobs:NightlyAt", "２５:００"), ("Jobs:NightlyAt", "25:99"), ("Api:MaxBodyBytes", "99999999999999999999"), ("Api:MaxBodyBytes", "-1"),
                     ("Api:RateLimit:PermitsPerMinute", "１０"), ("Jobs:Enabled", "yes"),
                 })
            yield return (["migrate", $"--{setting}={value}"], [setting, "Data Source=" + value.Replace("Data Source=", "")]);

        // Verbs with their own options: each option missing its value, duplicated, given hostile values.
        foreach (var v in HostileValues.Concat(HostileDates))
            yield return (["nightly", "--date", v, cs], ["--date"]);
        yield return (["nightly", cs], ["--date"]);
        yield return (["nightly", "--date"], ["--date"]);
        yield return (["nightly", "--date", "2026-01-05", "--date", "2026-01-06", cs], ["--date"]);
        yield return (["nightly", "--Date", "2026-01-05", cs], ["--Date"]);
        yield return (["nightly", "2026-01-05", cs], ["2026-01-05"]);
        yield return (["nightly", "--date", "2026-01-05", "--frobnicate", cs], ["--frobnicate"]);
        yield return (["nightly", "--date", "2026-01-05", "--Jobs:NightlyAt=7pm", cs], ["Jobs:NightlyAt"]);

        foreach (var v in HostileValues.Append("1000001").Append("5"))
            yield return (["seed-demo", "--members", v, cs], ["--members", "already has data"]);
        yield return (["seed-demo", cs], ["--members"]);
        yield return (["seed-demo", "--members"], ["--members"]);
        yield return (["seed-demo", "--members", "5", "--members", "6", cs], ["--members"]);

        yield return (["api-key", cs], ["create"]);
        yield return (["api-key", "delete", "--name", "x", cs], ["delete"]);
        yield return (["api-key", "Create", "--name", "x", cs], ["Create"]);
        yield return (["api-key", "create", cs], ["--name"]);
        yield return (["api-key", "create", "--name", cs], ["--name", "ConnectionStrings"]);
        yield return (["api-key", "create", "--name", "a", "--name", "b", cs], ["--name"]);
        yield return (["api-key", "create", "--name", "a", "--merchant", "M1", "--merchant", "M2", cs], ["--merchant"]);
        yield return (["api-key", "create", "--name", "a", "--frobnicate", cs], ["--frobnicate"]);
        foreach (var v in new[] { "", " ", "\u200b", "\t", new string('x', 5000), "a\u0000b", "a\nb" })
            yield return (["api-key", "create", "--name", v, cs], ["--name"]);
        foreach (var v in new[] { "", "ｍ1", "M1;DROP", "../M1", new string('M', 5000), "NOPE", "m 1", "\u202eM1" })
            yield return (["api-key", "create", "--name", "fuzz", "--merchant", v, cs], ["--merchant"]);

        foreach (var v in HostileValues.Where(v => v.Trim().Length > 0 && v is not "0" and not "-1" and not "--" and not "-").Append("5").Append("10000001"))
            yield return (["bench", "--members", v], ["--members"]);
        foreach (var v in new[] { "0", "-1", "１", "1e3", "99999999999" })
            yield return (["bench", "--export-child", existingFile, "--rows", v], ["--rows"]);
        yield return (["bench", "--export-child", Path.Combine(fileAsFolder, "missing.db")], ["--export-child"]);
        yield return (["bench", "--members", "20", "--out", $"{fileAsFolder}/report.json"], ["--out"]);
        yield return (["bench", "--members", "20", "--db", existingFile], ["--db"]);
        yield return (["bench", "--members", "20", "--db", $"{fileAsFolder}/x.db"], ["--db"]);
        yield return (["bench", "--members"], ["--members"]);
        yield return (["bench", "--members", "5", "--members", "7"], ["--members"]);
        yield return (["bench", "--frobnicate"], ["--frobnicate"]);

        yield return (["backup", cs], ["--out"]);
        yield return (["backup", "--out"], ["--out"]);
        foreach (var v in new[] { "", " ", existingFile, db, $"{fileAsFolder}/b.db", "/proc/liandong-backup.db", "/", "." })
            yield return (["backup", "--out", v, cs], ["--out", v.Trim().Length > 0 ? v : "--out"]);
        yield return (["backup", "--out", Path.Combine(Path.GetTempPath(), $"b{Guid.NewGuid():N}.db"), "--out", Path.Combine(Path.GetTempPath(), $"c{Guid.NewGuid():N}.db"), cs], ["--out"]);
        yield return (["backup", "--out", Path.Combine(Path.GetTempPath(), $"b{Guid.NewGuid():N}.db"), "--ConnectionStrings:Default=Data Source=/nonexistent-liandong/x.db"], ["x.db"]);
    }

    [Fact]
    public async Task Hostile_cli_options_exit_non_zero_with_a_message_and_change_nothing()
    {
        using var temp = new TempDatabase();
        var seed = new StringWriter();
        Assert.True(await CliRunner.RunAsync(["seed-demo", "--members", "60", $"--ConnectionStrings:Default={temp.ConnectionString}"], seed, seed) == CliRunner.Ok, seed.ToString());
        var existingFile = Path.Combine(temp.Folder, "existing.txt");
        await File.WriteAllTextAsync(existingFile, "x");
        var fileAsFolder = Path.Combine(temp.Folder, "a-file");
        await File.WriteAllTextAsync(fileAsFolder, "not a folder");

        var before = DatabaseFingerprint.Of(temp.FilePath);
        var cases = Cases(temp.FilePath, existingFile, fileAsFolder).ToList();
        var failures = new List<string>();
        var byVerb = new Dictionary<string, int>();
        foreach (var (args, names) in cases)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var describe = string.Join(" ", args.Select(a => a.Length > 60 ? a[..60] + "…" : a));
            int code;
            try { code = await CliRunner.RunAsync(args, stdout, stderr); }
            catch (Exception e) { failures.Add($"{describe}: threw {e.GetType().Name}: {e.Message}"); continue; }
            byVerb[args[0]] = byVerb.GetValueOrDefault(args[0]) + 1;
            var message = stderr.ToString();
            if (code == CliRunner.Ok) failures.Add($"{describe}: exit 0 ({stdout.ToString().Trim()})");
            else if (!names.Any(n => message.Contains(n.Length > 200 ? n[..200] : n, StringComparison.Ordinal)))
                failures.Add($"{describe}: exit {code} but the message does not name {string.Join(" or ", names.Select(n => n.Length > 20 ? n[..20] : n))}: {message.Trim()}");
            if (message.Contains("   at ", StringComparison.Ordinal)) failures.Add($"{describe}: a stack trace on stderr");
            var now = DatabaseFingerprint.Of(temp.FilePath);
            if (now != before) { failures.Add($"{describe}: changed the database"); before = now; }
        }
        output.WriteLine($"CLI fuzz: {cases.Count} invocations ({string.Join(", ", byVerb.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}): " +
                         $"{cases.Count - failures.Count} refused with a message naming the problem, database unchanged; {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures.Take(60)));
    }

    /// <summary>The executable itself: what used to be an unhandled exception (a stack trace) is now a message and exit 1.</summary>
    [Fact]
    public async Task The_executable_answers_bad_options_with_a_message_never_a_stack_trace()
    {
        using var temp = new TempDatabase();
        var fileAsFolder = Path.Combine(temp.Folder, "a-file");
        await File.WriteAllTextAsync(fileAsFolder, "not a folder");
        var cases = new (string[] Args, string Name)[]
        {
            (["migrate", $"--ConnectionStrings:Default=Data Source={fileAsFolder}/x.db"], "a-file"),
            (["nightly", "--date", "２０２６-０１-０１"], "--date"),
            (["api-key", "create", "--name", "a", "--name", "b", $"--ConnectionStrings:Default=Data Source={fileAsFolder}/x.db"], "--name"),
            (["seed-demo", "--members", "99999999999999999999"], "--members"),
        };
        foreach (var (args, name) in cases)
        {
            var r = await ConsoleProcess.RunAsync(temp.Folder, new Dictionary<string, string>(), args);
            Assert.True(r.ExitCode is CliRunner.BadInput or CliRunner.Usage, $"{string.Join(" ", args)}: exit {r.ExitCode}\n{r.StdErr}");
            Assert.Contains(name, r.StdErr);
            Assert.DoesNotContain("   at ", r.StdErr);
            Assert.DoesNotContain("Unhandled exception", r.StdErr);
        }
        output.WriteLine($"CLI process: {cases.Length} bad invocations of the executable, each exit 1 or 2 with a message, no stack trace");
    }
}
