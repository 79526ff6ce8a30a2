namespace LianDong.Tests.Domain;

public class CliRunnerTests
{
    [Fact]
    public async Task Unknown_verb_exits_2_with_usage()
    {
        var err = new StringWriter();
        var code = await LianDong.Console.Cli.CliRunner.RunAsync(["frobnicate"], new StringWriter(), err);
        Assert.Equal(2, code);
        Assert.Contains("unknown verb \"frobnicate\"", err.ToString());
    }
}
