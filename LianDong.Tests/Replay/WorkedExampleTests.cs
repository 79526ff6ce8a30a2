using System.Text.Json.Nodes;
using LianDong.Tests.Support;

namespace LianDong.Tests.Replay;

public class WorkedExampleTests
{
    [Fact]
    public async Task Worked_example_replays_to_the_expected_document()
    {
        var result = await ReplayHarness.RunFileAsync(ScenarioFiles.WorkedExample);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stderr);
        var actual = result.Json;
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(ScenarioFiles.WorkedExampleExpected))!;

        var expectedMembers = expected["members"]!.AsObject();
        var actualMembers = actual["members"]!.AsObject();
        Assert.Equal(expectedMembers.Select(m => m.Key).Order(), actualMembers.Select(m => m.Key).Order());
        foreach (var (name, exp) in expectedMembers)
            foreach (var (field, value) in exp!.AsObject())
                Assert.True(JsonNode.DeepEquals(value, actualMembers[name]![field]),
                    $"members.{name}.{field}: expected {value?.ToJsonString() ?? "null"}, got {actualMembers[name]![field]?.ToJsonString() ?? "null"}");

        Assert.Equal((long)expected["supportFundFen"]!, (long)actual["supportFundFen"]!);
        Assert.Equal(ReplayHarness.EntryKeys(expected), ReplayHarness.EntryKeys(actual));
        Assert.Equal(ReplayHarness.WithheldKeys(expected), ReplayHarness.WithheldKeys(actual));
    }
}
