using System.Text.Json;
using LianDong.Console.Cli.Replay;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>replay FILE</c> (rule book section 12): checks the whole scenario, runs it through the engine's services on a
/// fresh temporary SQLite database (migrated with the real migrations), prints one JSON document, deletes the
/// database. Bad input: exit 1, the problem on stderr, nothing on stdout.
/// </summary>
public sealed class ReplayVerb : ICliVerb
{
    public string Name => "replay";
    public string Usage => "replay FILE        run a scenario file on a fresh database and print the outcome as JSON";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 1)
        {
            stderr.WriteLine("usage: LianDong.Console replay FILE");
            return CliRunner.Usage;
        }
        ReplayScenario scenario;
        try
        {
            await using var stream = File.OpenRead(args[0]);
            using var doc = await JsonDocument.ParseAsync(stream);
            scenario = ReplayScenario.Parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"cannot read {args[0]}: {ex.Message}");
            return CliRunner.BadInput;
        }
        catch (JsonException ex)
        {
            stderr.WriteLine($"{args[0]} is not valid JSON: {ex.Message}");
            return CliRunner.BadInput;
        }
        catch (ReplayInputException ex)
        {
            stderr.WriteLine(ex.Message);
            return CliRunner.BadInput;
        }

        try
        {
            var json = await ReplayRunner.RunAsync(scenario);
            await stdout.WriteAsync(json);
            await stdout.WriteLineAsync();
            return CliRunner.Ok;
        }
        catch (ReplayInputException ex)
        {
            stderr.WriteLine(ex.Message);
            return CliRunner.BadInput;
        }
    }
}
