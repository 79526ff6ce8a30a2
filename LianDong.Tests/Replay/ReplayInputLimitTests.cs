using LianDong.Tests.Support;

namespace LianDong.Tests.Replay;

/// <summary>
/// Issue 13: the replay input is held to the same amount and price ranges as the API, and a time in year 1 or 9999
/// is invalid input (exit 1 naming the event), not a crash. Historical times stay allowed (no "now" limit).
/// </summary>
public class ReplayInputLimitTests
{
    private const string Pack = """{"code":"GP499","priceFen":49900,"costFen":17900}""";

    [Theory]
    [InlineData("""{"packs":[PACK],"events":[{"type":"register","at":"2026-01-01T00:00:00Z","member":"A"},{"type":"retail","at":"2026-01-01T01:00:00Z","order":"r1","member":"A","amountFen":9223372036854775807}]}""",
        "events[1]: amountFen is 9223372036854775807 fen (¥92,233,720,368,547,758.07), it must be from 1 fen to 100000000 fen (¥0.01 to ¥1,000,000.00)")]
    [InlineData("""{"packs":[PACK],"events":[{"type":"register","at":"0001-01-01T00:00:00Z","member":"A"}]}""",
        "events[0]: at 0001-01-01T00:00:00.0000000+00:00 is before 2000-01-01T00:00:00Z, the earliest time an event may have")]
    [InlineData("""{"packs":[PACK],"events":[{"type":"register","at":"2026-01-01T00:00:00Z","member":"A"},{"type":"pay","at":"9999-12-31T23:59:59+14:00","order":"o1","member":"A","pack":"GP499"}]}""",
        "events[1]: at 9999-12-31T09:59:59.0000000+00:00 is after 2099-12-31T23:59:59Z (the end of the replay window), the latest time an event may have")]
    [InlineData("""{"packs":[PACK],"events":[{"type":"register","at":"2026-01-01T00:00:00Z","member":"A"},{"type":"nightly","date":"9999-12-31"}]}""",
        "events[1]: date 9999-12-31 is outside the replay window, 2000-01-01 to 2099-12-31")]
    [InlineData("""{"packs":[{"code":"BIG","priceFen":9223372036854775807,"costFen":0}],"events":[]}""",
        "packs[0]: priceFen is 9223372036854775807 fen (¥92,233,720,368,547,758.07), it must be from 1 fen to 10000000 fen (¥0.01 to ¥100,000.00)")]
    [InlineData("""{"packs":[{"code":"UPSIDE","priceFen":49900,"costFen":50000}],"events":[]}""",
        "packs[0]: costFen is 50000 fen (¥500.00), above priceFen 49900 fen (¥499.00); the cost must be from 0 to the price")]
    public async Task Out_of_range_input_exits_1_naming_the_place(string scenario, string message)
    {
        var run = await ReplayHarness.RunAsync(scenario.Replace("PACK", Pack));
        Assert.Equal((1, ""), (run.ExitCode, run.Stdout));
        Assert.Equal(message, run.Stderr.Trim());
    }

    [Fact]
    public async Task Historical_times_and_the_largest_amount_replay()
    {
        var run = await ReplayHarness.RunAsync("""
            {"ruleSets":[{"effectiveFrom":"2001-01-01T00:00:00Z"}],"packs":[{"code":"GP499","priceFen":49900,"costFen":17900}],
             "events":[{"type":"register","at":"2001-01-01T00:00:00Z","member":"A"},{"type":"pay","at":"2001-01-01T00:01:00Z","order":"o1","member":"A","pack":"GP499"},
                       {"type":"register","at":"2001-01-01T00:02:00Z","member":"B","referrer":"A"},
                       {"type":"retail","at":"2001-01-01T00:03:00Z","order":"r1","member":"B","amountFen":100000000},
                       {"type":"nightly","date":"2001-01-10"}]}
            """);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(10_000_000L, (long)run.Json["members"]!["A"]!["availableFen"]!);
    }
}
