using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace LianDong.Console.Settings;

/// <summary>
/// The settings as options: <c>AddOptions&lt;LianDongSettings&gt;()</c> filled by <see cref="SettingsLoader.Configure"/>,
/// checked by <see cref="SettingsValidator"/>, validated when the host starts (before any hosted service, so nothing is
/// written with a bad setting). Each section can be injected on its own (a job takes <see cref="JobsSettings"/>).
/// </summary>
public static class SettingsServiceCollectionExtensions
{
    public static IServiceCollection AddLianDongSettings(this IServiceCollection services)
    {
        services.AddOptions<LianDongSettings>()
            .Configure<IConfiguration>(SettingsLoader.Configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LianDongSettings>, SettingsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<LianDongSettings>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<LianDongSettings>().Jobs);
        services.AddSingleton(sp => sp.GetRequiredService<LianDongSettings>().Demo);
        services.AddSingleton(sp => sp.GetRequiredService<LianDongSettings>().Api);
        return services;
    }
}

/// <summary>
/// Fails the options with every problem <see cref="SettingsLoader.Configure"/> found. It throws
/// <see cref="InvalidSettingsException"/> (an <see cref="OptionsValidationException"/>) instead of returning
/// <see cref="ValidateOptionsResult.Fail(IEnumerable{string})"/>, so the message is ours, "Invalid configuration: …",
/// wherever the settings are first read: the host's start-up validation, a CLI verb, a test.
/// </summary>
public sealed class SettingsValidator : IValidateOptions<LianDongSettings>
{
    public ValidateOptionsResult Validate(string? name, LianDongSettings options) =>
        options.Problems.Count == 0 ? ValidateOptionsResult.Success : throw new InvalidSettingsException(options.Problems);
}

/// <summary>
/// Parses configuration into <see cref="LianDongSettings"/>. A value that does not parse is an error
/// naming the setting; nothing falls back to a default silently. Not <c>Bind()</c>: the binder's own messages
/// ("Failed to convert configuration value at 'Jobs:Enabled' to type 'System.Boolean'") neither quote the value nor
/// say what would do, and it accepts what we refuse (" 1 " for a number, "1" for nothing at all).
/// </summary>
public static class SettingsLoader
{
    /// <summary>
    /// The settings from <paramref name="config"/> through the same options pipeline as the web console (for CLI verbs
    /// and tests, which have no host); throws <see cref="InvalidSettingsException"/> naming every bad setting.
    /// </summary>
    public static LianDongSettings Load(IConfiguration config)
    {
        using var sp = new ServiceCollection().AddSingleton(config).AddLianDongSettings().BuildServiceProvider();
        return sp.GetRequiredService<IOptions<LianDongSettings>>().Value;
    }

    /// <summary>Fills <paramref name="settings"/> from <paramref name="config"/>, listing what does not parse in its problems.</summary>
    public static void Configure(LianDongSettings settings, IConfiguration config)
    {
        var problems = new List<string>();

        string Raw(string key)
        {
            var v = config[key];
            if (string.IsNullOrWhiteSpace(v))
            {
                problems.Add($"{key} is missing or empty");
                return "";
            }
            return v.Trim();
        }

        bool Bool(string key)
        {
            var v = Raw(key);
            if (v.Length == 0) return false;
            if (bool.TryParse(v, out var b)) return b;
            problems.Add($"{key} \"{v}\" is not true or false");
            return false;
        }

        long Long(string key, long min, long max)
        {
            var v = Raw(key);
            if (v.Length == 0) return 0;
            if (long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            problems.Add($"{key} \"{v}\" is not a whole number from {min} to {max}");
            return 0;
        }

        TimeOnly TimeOfDay(string key)
        {
            var v = Raw(key);
            if (v.Length == 0) return default;
            if (TimeOnly.TryParseExact(v, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
            problems.Add($"{key} \"{v}\" is not a time of day (HH:mm)");
            return default;
        }

        var urls = new List<Uri>();
        // Optional: without it Kestrel:Endpoints, HTTP_PORTS or the default address apply (Hosting/ListenAddresses).
        var rawUrls = string.IsNullOrWhiteSpace(config["Urls"]) ? SettingsDefaults.Urls : config["Urls"]!.Trim();
        foreach (var part in rawUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's "any address" hosts (http://*:80, http://+:80) are not valid in a Uri; checked as 0.0.0.0.
            var checkable = part.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (Uri.TryCreate(checkable, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
                urls.Add(u);
            else
                problems.Add($"Urls \"{part}\" is not an http:// or https:// address");
        }

        var cs = Raw("ConnectionStrings:Default");
        if (cs.Length > 0)
        {
            try
            {
                var csb = new SqliteConnectionStringBuilder(cs);
                if (string.IsNullOrWhiteSpace(csb.DataSource)) problems.Add($"ConnectionStrings:Default \"{cs}\" names no Data Source");
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                problems.Add($"ConnectionStrings:Default \"{cs}\" is not a SQLite connection string ({e.Message})");
            }
        }

        Bool(Hosting.ProxySupport.EnabledSetting);
        if (Hosting.ProxySupport.BadProxy(Raw(Hosting.ProxySupport.KnownProxiesSetting)) is { } badProxy)
            problems.Add($"{Hosting.ProxySupport.KnownProxiesSetting} \"{badProxy}\" is not an IP address or a network (10.0.0.0/8)");

        // Optional secret, never in a file: checked here so a malformed one stops start-up naming it.
        if (!string.IsNullOrWhiteSpace(config[Hosting.DataProtectionSetup.KeyEncryptionKeySetting])
            && !Hosting.KeyEncryptionKey.Parse(config[Hosting.DataProtectionSetup.KeyEncryptionKeySetting], out _))
            problems.Add($"{Hosting.DataProtectionSetup.KeyEncryptionKeySetting} is not base64 of 32 bytes (make one with: openssl rand -base64 32)");

        settings.Urls = urls;
        settings.ConnectionString = cs;
        settings.Jobs = new JobsSettings(Bool("Jobs:Enabled"), TimeOfDay("Jobs:NightlyAt"));
        settings.Demo = new DemoSettings(Bool("Demo:SeedOnFirstRun"), (int)Long("Demo:Members", 0, 10_000_000));
        settings.Api = new ApiSettings(Long("Api:MaxBodyBytes", 1024, 1L << 30), (int)Long("Api:RateLimit:PermitsPerMinute", 1, 1_000_000),
            (int)Long("Api:MaxWriteBatch", 1, 10_000));
        settings.Problems = problems;
    }
}
