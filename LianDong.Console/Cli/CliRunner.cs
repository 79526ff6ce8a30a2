namespace LianDong.Console.Cli;

/// <summary>
/// Dispatches <c>LianDong.Console &lt;verb&gt; ...</c>. Exit codes for every verb:
/// 0 success, 1 bad input (stderr names what is wrong), 2 usage (unknown verb or options).
/// </summary>
public static class CliRunner
{
    public const int Ok = 0, BadInput = 1, Usage = 2;

    public static bool IsVerbInvocation(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbs = CliVerbs.All.ToDictionary(v => v.Name, StringComparer.Ordinal);
        if (args.Length == 0 || !verbs.TryGetValue(args[0], out var verb))
        {
            if (args.Length > 0) stderr.WriteLine($"unknown verb \"{args[0]}\"");
            PrintUsage(stderr);
            return Usage;
        }
        try
        {
            return await verb.RunAsync(args[1..], stdout, stderr);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // The file system or SQLite refused (a database folder that cannot be made, a read-only place): a message, not a trace.
            stderr.WriteLine($"{verb.Name}: {e.Message}");
            return BadInput;
        }
    }

    public static void PrintUsage(TextWriter w)
    {
        w.WriteLine("usage: LianDong.Console [<verb> [options]]");
        w.WriteLine("  (no verb)  run the web console");
        foreach (var v in CliVerbs.All) w.WriteLine($"  {v.Usage}");
    }
}

public interface ICliVerb
{
    string Name { get; }
    string Usage { get; }
    Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr);
}
