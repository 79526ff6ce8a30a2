using Microsoft.Extensions.Options;

namespace LianDong.Console.Settings;

/// <summary>
/// Every setting the console reads: the options type of <see cref="SettingsServiceCollectionExtensions.AddLianDongSettings"/>,
/// filled from configuration by <see cref="SettingsLoader"/> and checked at start-up (docs/decisions/0003-configuration.md).
/// The documented defaults are in <see cref="SettingsDefaults"/> (and, identically, in appsettings.json).
/// </summary>
public sealed record LianDongSettings(
    IReadOnlyList<Uri> Urls,
    string ConnectionString,
    JobsSettings Jobs,
    DemoSettings Demo,
    ApiSettings Api)
{
    /// <summary>For the options factory; <see cref="SettingsLoader.Configure"/> fills every property.</summary>
    public LianDongSettings() : this([], "", new JobsSettings(false, default), new DemoSettings(false, 0), new ApiSettings(0, 0)) { }

    public IReadOnlyList<Uri> Urls { get; internal set; } = Urls;
    public string ConnectionString { get; internal set; } = ConnectionString;
    public JobsSettings Jobs { get; internal set; } = Jobs;
    public DemoSettings Demo { get; internal set; } = Demo;
    public ApiSettings Api { get; internal set; } = Api;

    /// <summary>What did not parse, one message per bad setting; read by <see cref="SettingsValidator"/>.</summary>
    internal IReadOnlyList<string> Problems { get; set; } = [];
}

/// <summary><c>Jobs:*</c>: the nightly scheduler (issue 4).</summary>
public sealed record JobsSettings(bool Enabled, TimeOnly NightlyAt);

/// <summary><c>Demo:*</c>: demo data on the first run (issue 4).</summary>
public sealed record DemoSettings(bool SeedOnFirstRun, int Members);

/// <summary><c>Api:*</c>: storefront API limits (issues 4 and 8) and the largest batch of engine events committed at once (issue 7).</summary>
public sealed record ApiSettings(long MaxBodyBytes, int PermitsPerMinute, int MaxWriteBatch = 400);

/// <summary>
/// Start-up stops with this when a setting is missing or does not parse; the message names every bad setting
/// ("Invalid configuration: Jobs:NightlyAt "25:99" is not a time of day (HH:mm)"). It is the
/// <see cref="OptionsValidationException"/> of <see cref="LianDongSettings"/>, with our message rather than the framework's.
/// </summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> problems)
    : OptionsValidationException(Options.DefaultName, typeof(LianDongSettings), problems)
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public override string Message => "Invalid configuration: " + string.Join("; ", Problems);
}
