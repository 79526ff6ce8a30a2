using System.Text.Json;
using System.Text.Json.Nodes;
using LianDong.Console.Cli;

namespace LianDong.Tests.Support;

public sealed record ReplayRun(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty output");
}

/// <summary>Runs the replay verb through the real CLI dispatcher on a file or an inline scenario.</summary>
public static class ReplayHarness
{
    public static async Task<ReplayRun> RunFileAsync(string path)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliRunner.RunAsync(["replay", path], stdout, stderr);
        return new ReplayRun(code, stdout.ToString(), stderr.ToString());
    }

    public static async Task<ReplayRun> RunAsync(object scenario)
    {
        var path = Path.Combine(Path.GetTempPath(), $"liandong-test-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, scenario is string s ? s : JsonSerializer.Serialize(scenario));
        try { return await RunFileAsync(path); }
        finally { File.Delete(path); }
    }

    /// <summary>Entries as (order, beneficiary, kind, amountFen, status) tuples, for multiset comparison.</summary>
    public static List<string> EntryKeys(JsonNode doc) =>
        doc["entries"]!.AsArray().Select(e => $"{e!["order"]}|{e["beneficiary"]}|{e["kind"]}|{e["amountFen"]}|{e["status"]}").Order().ToList();

    public static List<string> WithheldKeys(JsonNode doc) =>
        doc["withheld"]!.AsArray().Select(e => $"{e!["order"]}|{e["beneficiary"]}|{e["kind"]}|{e["reason"]}").Order().ToList();
}
