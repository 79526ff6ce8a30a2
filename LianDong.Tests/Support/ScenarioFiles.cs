namespace LianDong.Tests.Support;

/// <summary>
/// The replay scenarios kept in this repository (<c>LianDong.Tests/Replay/Scenarios/</c>, copied beside the test
/// binaries by the project file). Tests read their fixtures from here only, so a fresh clone runs on its own.
/// </summary>
public static class ScenarioFiles
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Replay", "Scenarios");

    /// <summary>The rule reference's worked example (docs/rules.md): input and hand-computed outcome.</summary>
    public static string WorkedExample => Named("worked-example.json");

    public static string WorkedExampleExpected => Named("worked-example.expected.json");

    public static string Named(string name)
    {
        var path = System.IO.Path.Combine(Directory, name);
        if (!File.Exists(path))
            Assert.Fail($"{name} is not in {Directory}; it belongs in LianDong.Tests/Replay/Scenarios/ (copied to the output by LianDong.Tests.csproj)");
        return path;
    }
}
