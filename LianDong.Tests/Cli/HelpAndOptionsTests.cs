using LianDong.Console.Cli;
using LianDong.Tests.Support;

namespace LianDong.Tests.Cli;

public class HelpAndOptionsTests
{
    private static readonly Dictionary<string, string> NoEnvironment = new();

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_every_verb_and_option_and_exits_0_without_touching_anything(string help)
    {
        var folder = Directory.CreateTempSubdirectory("liandong-help-").FullName;
        try
        {
            var result = await ConsoleProcess.RunAsync(folder, NoEnvironment, help);
            Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
            Assert.StartsWith("usage: LianDong.Console", result.StdOut);
            foreach (var verb in CliVerbs.All) Assert.Contains(verb.Usage, result.StdOut);
            foreach (var option in new[] { "--urls", "--environment", "--Section:Key=value", "--help", "Exit codes" })
                Assert.Contains(option, result.StdOut);
            Assert.DoesNotContain("password", result.StdOut + result.StdErr, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.GetFileSystemEntries(folder)); // no data/ folder, no database, no keys
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData("--verbose")]
    [InlineData("-x")]
    [InlineData("--urls=http://127.0.0.1:0", "extra")]
    [InlineData("--Jobs:Enabled")]
    [InlineData("--")]
    public async Task An_unknown_option_exits_2_with_the_usage_on_stderr_without_starting(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("liandong-badopt-").FullName;
        try
        {
            var result = await ConsoleProcess.RunAsync(folder, NoEnvironment, args);
            Assert.True(result.ExitCode == CliRunner.Usage, $"exit {result.ExitCode}: {result.StdOut}{result.StdErr}");
            Assert.Contains("usage: LianDong.Console", result.StdErr);
            Assert.Contains(args[^1] == "extra" ? "\"extra\"" : $"\"{args[0]}\"", result.StdErr);
            Assert.Empty(result.StdOut);
            Assert.Empty(Directory.GetFileSystemEntries(folder));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>System.CommandLine's own conventions (directives, response files, --version) do not leak in.</summary>
    [Theory]
    [InlineData(new[] { "[suggest]" }, "unknown verb \"[suggest]\"")]
    [InlineData(new[] { "[diagram]", "migrate" }, "unknown verb \"[diagram]\"")]
    [InlineData(new[] { "--version" }, "\"--version\"")]
    [InlineData(new[] { "migrate", "@args.rsp" }, "migrate: unexpected argument \"@args.rsp\"")]
    [InlineData(new[] { "migrate", "--version" }, "migrate: unexpected argument \"--version\"")]
    public async Task The_library_conventions_stay_usage_errors(string[] args, string message)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(CliRunner.Usage, await CliRunner.RunAsync(args, stdout, stderr));
        Assert.Contains(message, stderr.ToString());
        Assert.Contains("usage:", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task An_unknown_verb_still_exits_2_with_the_usage_on_stderr_and_a_verb_takes_help_too()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Assert.Equal(CliRunner.Usage, await CliRunner.RunAsync(["frobnicate"], stdout, stderr));
        Assert.Contains("unknown verb \"frobnicate\"", stderr.ToString());
        Assert.Contains("usage:", stderr.ToString());

        var help = new StringWriter();
        Assert.Equal(CliRunner.Ok, await CliRunner.RunAsync(["backup", "--help"], help, new StringWriter()));
        Assert.Contains("backup --out FILE", help.ToString());
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--urls=http://127.0.0.1:0", "--Jobs:Enabled=false" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:0", "Demo:SeedOnFirstRun=false" }, true)]
    [InlineData(new[] { "--environment", "Production" }, true)]
    [InlineData(new[] { "--help" }, false)]
    [InlineData(new[] { "--urls=http://127.0.0.1:0", "-h" }, false)]
    [InlineData(new[] { "--urls" }, false)]
    [InlineData(new[] { "migrate" }, false)]
    public void The_web_console_starts_only_on_settings(string[] args, bool starts) =>
        Assert.Equal(starts, CliRunner.IsWebConsoleInvocation(args));
}
