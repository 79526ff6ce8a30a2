using System.Diagnostics;

namespace LianDong.Tests.Support;

/// <summary>Runs the built LianDong.Console executable as a real process (for start-up and CLI behaviour).</summary>
public static class ConsoleProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>The console's own build output, beside this test project's (same configuration and runtime).</summary>
    public static string ExecutablePath
    {
        get
        {
            var testsBin = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var marker = $"{Path.DirectorySeparatorChar}LianDong.Tests{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
            var i = testsBin.LastIndexOf(marker, StringComparison.Ordinal);
            Assert.True(i >= 0, "tests are not running from LianDong.Tests/bin: " + testsBin);
            var path = Path.Combine(testsBin[..i], "LianDong.Console", "bin", testsBin[(i + marker.Length)..], "LianDong.Console");
            Assert.True(File.Exists(path), "the console is not built at " + path);
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
