using System.CommandLine;

namespace LianDong.Console.Cli;

/// <summary>
/// Dispatches <c>LianDong.Console &lt;verb&gt; ...</c>, help and malformed web-console options. Exit codes for every
/// verb: 0 success, 1 bad input (stderr names what is wrong), 2 usage (unknown verb or options).
/// </summary>
public static class CliRunner
{
    public const int Ok = 0, BadInput = 1, Usage = 2;

    private static readonly string[] HelpOptions = ["--help", "-h", "-?"];

    public static bool IsVerbInvocation(string[] args) =>
        args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    /// <summary>
    /// True when the arguments start the web console: no verb, no help request, and every argument a setting
    /// (<c>--Key=value</c>, <c>--Key value</c> or <c>Key=value</c>). Anything else is answered by <see cref="RunAsync"/>
    /// without starting a host, so help or a typo never creates a database.
    /// </summary>
    public static bool IsWebConsoleInvocation(string[] args) =>
        !IsVerbInvocation(args) && !args.Any(IsHelp) && WebOptionProblem(args) is null;

    public static bool IsHelp(string arg) => HelpOptions.Contains(arg, StringComparer.Ordinal);

    /// <summary>What is wrong with the web console's arguments, or null. Any configuration key is a valid option.</summary>
    public static string? WebOptionProblem(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = a.IndexOf('=');
                var key = eq < 0 ? a[2..] : a[2..eq];
                if (key.Length == 0 || key.StartsWith('-')) return $"unknown option \"{a}\"";
                if (eq >= 0) continue;
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    return $"unknown option \"{a}\" (a setting needs a value: {a}=VALUE or {a} VALUE)";
                i++;
            }
            else if (a.StartsWith('-')) return $"unknown option \"{a}\"";
            else if (a.IndexOf('=') <= 0) return $"unexpected argument \"{a}\"";
        }
        return null;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // The verbs speak English (their messages and reports are read by scripts and outside checks), Identity's too.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(Localization.UiCulture.English);
        if (args.Length > 0 && (IsHelp(args[0]) || (!IsVerbInvocation(args) && args.Any(IsHelp))))
        {
            PrintUsage(stdout);
            return Ok;
        }
        if (args.Length > 0 && !IsVerbInvocation(args))
        {
            stderr.WriteLine(WebOptionProblem(args) ?? "no verb given");
            PrintUsage(stderr);
            return Usage;
        }
        var root = CommandLine(args, stdout, stderr);
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.CommandResult.Command == root || parse.CommandResult.Command.Name != args[0])
        {
            // No verb matched (verbs are case-sensitive: "Migrate" is not "migrate"), or not as the first argument
            // (the library would take "x migrate" as migrate with a stray "x").
            if (args.Length > 0) stderr.WriteLine($"unknown verb \"{args[0]}\"");
            PrintUsage(stderr);
            return Usage;
        }
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine(parse.Errors[0].Message);
            PrintUsage(stderr);
            return Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false,
            // No Ctrl+C or SIGTERM handling of the library's: the verbs stop as they always did (the nightly run row is the lock).
            ProcessTerminationTimeout = null,
        });
    }

    /// <summary>
    /// The verbs as System.CommandLine commands. The root has no help option, version option or directives of the
    /// library's: help is our usage text, and "[x]" or "--version" must stay an unknown verb or option (exit 2) as
    /// before. Each verb takes its tokens unparsed (<see cref="Command.TreatUnmatchedTokensAsErrors"/> off, response
    /// files off) and reads its own options from the original arguments, so "--" and "@file" mean what they always did.
    /// </summary>
    public static RootCommand CommandLine(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("LianDong console: the web console without a verb, or one of the verbs");
        root.Options.Clear();
        root.Directives.Clear();
        foreach (var verb in CliVerbs.All)
        {
            var command = new Command(verb.Name, verb.Usage) { TreatUnmatchedTokensAsErrors = false };
            command.SetAction((_, _) => RunVerbAsync(verb, args[1..], stdout, stderr));
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static async Task<int> RunVerbAsync(ICliVerb verb, string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 0 && IsHelp(args[0]))
        {
            PrintUsage(stdout);
            return Ok;
        }
        try
        {
            return await verb.RunAsync(args, stdout, stderr);
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
        w.WriteLine();
        w.WriteLine("Without a verb: run the web console (admin pages and storefront API) until stopped with Ctrl+C or SIGTERM.");
        w.WriteLine("  --urls URL[;URL]       the address(es) to listen on; default http://127.0.0.1:5000 when no address is given");
        w.WriteLine("                         (ASPNETCORE_URLS, DOTNET_URLS, Urls in appsettings, Kestrel:Endpoints work as well)");
        w.WriteLine("  --environment NAME     Production (default) or Development; appsettings.NAME.json is read too");
        w.WriteLine("  --Section:Key=value    any setting of appsettings.json, e.g. --Jobs:Enabled=false (or Section__Key in the environment)");
        w.WriteLine("  -h, --help             print this text and exit");
        w.WriteLine();
        w.WriteLine("Verbs (each also takes --Section:Key=value settings, e.g. --ConnectionStrings:Default=\"Data Source=/srv/liandong.db\"):");
        foreach (var v in CliVerbs.All) w.WriteLine($"  {v.Usage}");
        w.WriteLine();
        w.WriteLine("Exit codes: 0 done; 1 bad input, a setting that does not parse or a failed start (the message says which);");
        w.WriteLine("2 unknown verb or option. docs/operations.md says more.");
    }
}

public interface ICliVerb
{
    string Name { get; }
    string Usage { get; }
    Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr);
}
