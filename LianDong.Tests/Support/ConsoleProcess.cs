using System.Diagnostics;

namespace LianDong.Tests.Support;

/// <summary>Runs the built LianDong.Console executable as a real process (for start-up and CLI behaviour).</summary>
public static class ConsoleProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>
    /// The published console (<c>dotnet publish</c> output, as docs/operations.md deploys it), which the test project's
    /// build places in <c>console/</c> beside the tests.
    /// </summary>
    public static string ExecutablePath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "console", "LianDong.Console");
            Assert.True(File.Exists(path), "the published console is not at " + path + " (the test project's build publishes it)");
            return path;
        }
    }

    /// <summary>
    /// Starts the console with <paramref name="args"/> without waiting (e.g. a verb to kill part-way); its output is
    /// drained into <paramref name="output"/> so it never blocks on a full pipe.
    /// </summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, System.Text.StringBuilder output, params string[] args)
    {
        var psi = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        void Append(object _, DataReceivedEventArgs e) { if (e.Data is not null) lock (output) output.AppendLine(e.Data); }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task<Result> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo(ExecutablePath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the console did not exit within 60 s: " + await stdout);
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
