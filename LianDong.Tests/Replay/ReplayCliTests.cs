using LianDong.Tests.Support;

namespace LianDong.Tests.Replay;

/// <summary>The replay verb's command-line contract: exit codes, stderr messages, nothing on stdout on error.</summary>
public class ReplayCliTests
{
    private static async Task<ReplayRun> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await LianDong.Console.Cli.CliRunner.RunAsync(["replay", .. args], stdout, stderr);
        return new ReplayRun(code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Wrong_argument_count_is_a_usage_error()
    {
        var none = await Run();
        Assert.Equal((2, ""), (none.ExitCode, none.Stdout));
        Assert.Contains("usage: LianDong.Console replay FILE", none.Stderr);
        Assert.Equal(2, (await Run("a.json", "b.json")).ExitCode);
    }

    [Fact]
    public async Task Missing_file_and_unreadable_json_are_bad_input()
    {
        var missing = await Run("/nonexistent/scenario.json");
        Assert.Equal((1, ""), (missing.ExitCode, missing.Stdout));
        Assert.Contains("cannot read /nonexistent/scenario.json", missing.Stderr);

        var bad = await ReplayHarness.RunAsync("{ \"events\": [ ");
        Assert.Equal((1, ""), (bad.ExitCode, bad.Stdout));
        Assert.Contains("is not valid JSON", bad.Stderr);
    }

    [Theory]
    [InlineData("""{"events":[{"type":"register","at":"2026-01-01T00:00:00Z","member":"A","referrer":"A"}]}""", "events[0]: member \"A\" cannot refer itself")]
    [InlineData("""{"events":[{"type":"register","at":"yesterday","member":"A"}]}""", "events[0]: at \"yesterday\" is not an ISO 8601 time")]
    [InlineData("""{"events":[{"type":"nightly","date":"2026-13-01"}]}""", "events[0]: date \"2026-13-01\" is not a yyyy-MM-dd date")]
    [InlineData("""{"events":[{"type":"pay","at":"2026-01-01T00:00:00Z","order":"o","member":"A","pack":"P"}]}""", "events[0]: unknown member \"A\"")]
    [InlineData("""{"events":[{"at":"2026-01-01T00:00:00Z"}]}""", "events[0]: missing event type")]
    [InlineData("""{"packs":[{"code":"P","priceFen":0,"costFen":0}]}""", "packs[0]: priceFen is 0, it must be positive")]
    [InlineData("""{"packs":[{"code":"P","priceFen":50000,"costFen":1},{"code":"P","priceFen":50000,"costFen":1}]}""", "packs[1]: pack code \"P\" is used twice")]
    [InlineData("""{"ruleSets":[{"effectiveFrom":"2026-01-01T00:00:00Z","peerReward":{"mode":"sometimes"}}]}""", "ruleSets[0]: peerReward.mode \"sometimes\" is not percentOfSeePoint or oneTime")]
    [InlineData("""{"ruleSets":[{"effectiveFrom":"2026-01-01T00:00:00Z","timeZone":"Europe/Paris"}]}""", "ruleSets[0]: timeZone is \"Europe/Paris\"")]
    [InlineData("""{"ruleSets":[{"effectiveFrom":"2026-01-01T00:00:00Z","seePointRewardFen":30000}],"packs":[{"code":"GP499","priceFen":49900,"costFen":17900}]}""",
        "ruleSets[0]: largest payout per qualifying order for GP499 is 43000 fen, 11000 fen above price − cost 32000 (packs[0])")]
    [InlineData("""{"ruleSets":[{"effectiveFrom":"2026-01-01T00:00:00Z","seePointRewardFen":21000}],"packs":[{"code":"GP","priceFen":40000,"costFen":10000}]}""",
        "packs[0]: largest payout per qualifying order for GP is 33100 fen, 3100 fen above price − cost 30000 (ruleSets[0])")]
    [InlineData("""{"ruleSets":[{"effectiveFrom":"2026-01-01T00:00:00Z","directReward":{"agentFen":"many"}}]}""", "ruleSets[0]: directReward.agentFen must be an integer")]
    public async Task Bad_input_names_the_place_and_prints_nothing(string json, string message)
    {
        var r = await ReplayHarness.RunAsync(json);
        Assert.Equal((1, ""), (r.ExitCode, r.Stdout));
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public async Task The_temporary_database_is_deleted()
    {
        var path = Path.Combine(Path.GetTempPath(), $"liandong-replay-test-{Guid.NewGuid():N}.db");
        using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(ScenarioFiles.WorkedExample));
        var json = await LianDong.Console.Cli.Replay.ReplayRunner.RunAsync(LianDong.Console.Cli.Replay.ReplayScenario.Parse(doc.RootElement), path);
        Assert.Contains("\"availableFen\": 92000", json);
        Assert.False(File.Exists(path) || File.Exists(path + "-wal") || File.Exists(path + "-shm"), $"{path} was left behind");
    }

    [Fact]
    public async Task Empty_scenario_prints_an_empty_document()
    {
        var r = await ReplayHarness.RunAsync("{}");
        Assert.Equal(0, r.ExitCode);
        var doc = r.Json;
        Assert.Empty(doc["members"]!.AsObject());
        Assert.Empty(doc["entries"]!.AsArray());
        Assert.Equal(0, (long)doc["supportFundFen"]!);
    }
}
