using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LianDong.Tests.Support;

/// <summary>
/// The built LianDong.Console executable running as a web server in its own process (Kestrel on a free port of
/// 127.0.0.1), so a test can kill it with SIGKILL and start it again on the same database file. Start-up is done when
/// the process logs its address; its output is kept for failure messages.
/// </summary>
public sealed partial class ConsoleServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConsoleServerProcess(Process process) => _process = process;

    public int ProcessId => _process.Id;
    public string AdminEmail { get; private set; } = "";
    public string AdminPassword { get; private set; } = "";
    public Uri BaseAddress { get; private set; } = default!;
    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote to stdout and stderr so far (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Starts the console on <paramref name="databaseFile"/> (working directory: its folder) and waits until it
    /// listens. <paramref name="settings"/> are passed as <c>--Key=value</c> (e.g. <c>Jobs:Enabled</c>).
    /// </summary>
    public static async Task<ConsoleServerProcess> StartAsync(string databaseFile, IReadOnlyDictionary<string, string>? settings = null,
        TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(ConsoleProcess.ExecutablePath)
        {
            WorkingDirectory = Path.GetDirectoryName(databaseFile)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--urls=http://127.0.0.1:0");
        psi.ArgumentList.Add("--environment=Production");
        psi.ArgumentList.Add($"--ConnectionStrings:Default=Data Source={databaseFile}");
        var all = new Dictionary<string, string>
        {
            ["Jobs:Enabled"] = "false",
            ["Demo:SeedOnFirstRun"] = "false",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) all[k] = v;
        foreach (var (k, v) in all) psi.ArgumentList.Add($"--{k}={v}");
        // The first admin is made on the first start only; a fixed pair keeps the log free of a generated password.
        var (email, password) = (TestSecrets.NewEmail("admin"), TestSecrets.NewPassword());
        psi.Environment["LIANDONG_ADMIN_EMAIL"] = email;
        psi.Environment["LIANDONG_ADMIN_PASSWORD"] = password;

        var server = new ConsoleServerProcess(Process.Start(psi)!) { AdminEmail = email, AdminPassword = password };
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        var exited = server._process.WaitForExitAsync();
        var limit = Task.Delay(timeout ?? TimeSpan.FromSeconds(60));
        var first = await Task.WhenAny(server._listening.Task, exited, limit);
        if (first != server._listening.Task)
        {
            var why = first == exited ? $"exited with {server._process.ExitCode}" : "did not listen in time";
            await server.KillAsync();
            throw new InvalidOperationException($"the console {why}:\n{server.Output}");
        }
        server.BaseAddress = await server._listening.Task;
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        var m = ListeningLine().Match(line);
        if (m.Success) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    /// <summary>SIGKILL (what <c>kill -9</c> sends): no shutdown code runs. Waits until the process is gone and reaped.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { /* exited meanwhile */ }
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>SIGTERM (what <c>systemctl stop</c> and <c>docker stop</c> send): a graceful stop. Returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { /* still running: the caller sees the elapsed time and HasExited */ }
        return watch.Elapsed;
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
