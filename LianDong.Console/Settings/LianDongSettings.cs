namespace LianDong.Console.Settings;

/// <summary>
/// Every setting the console reads, parsed once at start-up by <see cref="SettingsLoader"/>.
/// The documented defaults are in <see cref="SettingsDefaults"/> (and, identically, in appsettings.json).
/// </summary>
public sealed record LianDongSettings(
    IReadOnlyList<Uri> Urls,
    string ConnectionString,
    JobsSettings Jobs,
    DemoSettings Demo,
    ApiSettings Api);

/// <summary><c>Jobs:*</c>: the nightly scheduler (issue 4).</summary>
public sealed record JobsSettings(bool Enabled, TimeOnly NightlyAt);

/// <summary><c>Demo:*</c>: demo data on the first run (issue 4).</summary>
public sealed record DemoSettings(bool SeedOnFirstRun, int Members);

/// <summary><c>Api:*</c>: storefront API limits (issues 4 and 8) and the largest batch of engine events committed at once (issue 7).</summary>
public sealed record ApiSettings(long MaxBodyBytes, int PermitsPerMinute, int MaxWriteBatch = 400);

/// <summary>Start-up stops with this when a setting is missing or does not parse; the message names every bad setting.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> problems)
    : Exception("Invalid configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
