using System.Text.Json;
using LianDong.Console.Cli;

namespace LianDong.Tests.Replay;

/// <summary>
/// Golden replay scenarios: every <c>Replay/Scenarios/NAME.json</c> is run through
/// <c>replay</c> and compared with <c>NAME.expected.json</c> (the whole section-12 output)
/// or <c>NAME.error.txt</c> (invalid input: exit 1, nothing on stdout, stderr contains the text).
/// The expected files are computed by hand from the rule book, independently of the engine.
/// </summary>
public class ReplayScenarioTests
{
    private const int MinimumScenarioCount = 20;

    private static string ScenarioDirectory =>
        Path.Combine(AppContext.BaseDirectory, "Replay", "Scenarios");

    public static IEnumerable<object[]> Scenarios() =>
        ScenarioNames().Select(name => new object[] { name });

    private static IEnumerable<string> ScenarioNames() =>
        Directory.Exists(ScenarioDirectory)
            ? Directory.EnumerateFiles(ScenarioDirectory, "*.json")
                .Select(Path.GetFileName)
                .Where(f => !f!.EndsWith(".expected.json", StringComparison.Ordinal))
                .Select(f => f![..^".json".Length])
                .OrderBy(n => n, StringComparer.Ordinal)
            : [];

    [Fact]
    public void Scenario_folder_holds_at_least_the_minimum_number_of_scenarios()
    {
        var names = ScenarioNames().ToList();
        Assert.True(names.Count >= MinimumScenarioCount,
            $"expected at least {MinimumScenarioCount} replay scenarios in {ScenarioDirectory}, found {names.Count}");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_replays_to_its_expected_output(string name)
    {
        var input = Path.Combine(ScenarioDirectory, name + ".json");
        var expectedPath = Path.Combine(ScenarioDirectory, name + ".expected.json");
        var errorPath = Path.Combine(ScenarioDirectory, name + ".error.txt");
        var hasExpected = File.Exists(expectedPath);
        var hasError = File.Exists(errorPath);
        Assert.False(hasExpected && hasError, $"{name}: has both .expected.json and .error.txt");
        Assert.True(hasExpected || hasError, $"{name}: has neither .expected.json nor .error.txt");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliRunner.RunAsync(["replay", input], stdout, stderr);

        if (hasError)
        {
            var expectedText = File.ReadAllText(errorPath).Trim();
            Assert.True(code == 1, $"{name}: expected exit code 1, got {code}; stderr: {stderr}");
            Assert.True(stdout.ToString().Length == 0, $"{name}: expected nothing on stdout, got: {stdout}");
            Assert.True(stderr.ToString().Contains(expectedText, StringComparison.Ordinal),
                $"{name}: stderr should contain \"{expectedText}\" but was: {stderr}");
            return;
        }

        Assert.True(code == 0, $"{name}: expected exit code 0, got {code}; stderr: {stderr}");
        using var expected = JsonDocument.Parse(File.ReadAllText(expectedPath));
        JsonDocument actual;
        try { actual = JsonDocument.Parse(stdout.ToString()); }
        catch (JsonException e) { throw new Xunit.Sdk.XunitException($"{name}: stdout is not JSON ({e.Message}): {stdout}"); }
        using (actual)
        {
            var problems = new List<string>();
            CompareMembers(expected.RootElement, actual.RootElement, problems);
            CompareSupportFund(expected.RootElement, actual.RootElement, problems);
            CompareMultiset("entries", expected.RootElement, actual.RootElement,
                ["order", "beneficiary", "kind", "amountFen", "status"], problems);
            CompareMultiset("withheld", expected.RootElement, actual.RootElement,
                ["order", "beneficiary", "kind", "reason"], problems);
            if (problems.Count > 0)
                throw new Xunit.Sdk.XunitException($"{name}: replay output differs from {name}.expected.json:\n  "
                    + string.Join("\n  ", problems));
        }
    }

    private static readonly string[] MemberFields =
        ["rank", "leader", "qualifiedReferrals", "pendingFen", "frozenFen", "availableFen"];

    private static void CompareMembers(JsonElement expected, JsonElement actual, List<string> problems)
    {
        if (!actual.TryGetProperty("members", out var actualMembers) || actualMembers.ValueKind != JsonValueKind.Object)
        {
            problems.Add("output has no \"members\" object");
            return;
        }
        var expectedMembers = expected.GetProperty("members");
        var actualByName = actualMembers.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        foreach (var member in expectedMembers.EnumerateObject())
        {
            if (!actualByName.TryGetValue(member.Name, out var got))
            {
                problems.Add($"member {member.Name}: missing from output");
                continue;
            }
            foreach (var field in MemberFields)
            {
                var want = Canonical(member.Value, field);
                var have = Canonical(got, field);
                if (want != have) problems.Add($"member {member.Name}.{field}: expected {want}, got {have}");
            }
        }
        foreach (var name in actualByName.Keys.Except(expectedMembers.EnumerateObject().Select(p => p.Name)))
            problems.Add($"member {name}: in output but not expected");
    }

    private static void CompareSupportFund(JsonElement expected, JsonElement actual, List<string> problems)
    {
        var want = Canonical(expected, "supportFundFen");
        var have = Canonical(actual, "supportFundFen");
        if (want != have) problems.Add($"supportFundFen: expected {want}, got {have}");
    }

    private static void CompareMultiset(string property, JsonElement expected, JsonElement actual,
        string[] fields, List<string> problems)
    {
        var want = Rows(expected, property, fields);
        if (!actual.TryGetProperty(property, out var actualArray) || actualArray.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"output has no \"{property}\" array");
            return;
        }
        var have = Rows(actual, property, fields);
        var missing = Subtract(want, have);
        var extra = Subtract(have, want);
        foreach (var row in missing) problems.Add($"{property}: missing {row}");
        foreach (var row in extra) problems.Add($"{property}: unexpected {row}");
    }

    private static List<string> Rows(JsonElement root, string property, string[] fields) =>
        root.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
                .Select(item => "(" + string.Join(", ", fields.Select(f => $"{f}={Canonical(item, f)}")) + ")")
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToList()
            : [];

    private static List<string> Subtract(List<string> from, List<string> remove)
    {
        var counts = remove.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var row in from)
        {
            if (counts.TryGetValue(row, out var n) && n > 0) counts[row] = n - 1;
            else result.Add(row);
        }
        return result;
    }

    /// <summary>A field's value as comparable text: strings as is, numbers as integers, null/absent as "null".</summary>
    private static string Canonical(JsonElement obj, string field)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(field, out var value)) return "<absent>";
        return value.ValueKind switch
        {
            JsonValueKind.Null => "null",
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out var n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => value.GetRawText(),
        };
    }
}
