using System.Globalization;
using Microsoft.Data.Sqlite;

namespace LianDong.Console.Settings;

/// <summary>
/// Parses configuration into <see cref="LianDongSettings"/>. A value that does not parse is an error
/// naming the setting; nothing falls back to a default silently.
/// </summary>
public static class SettingsLoader
{
    public static LianDongSettings Load(IConfiguration config)
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

        var settings = new LianDongSettings(
            urls,
            cs,
            new JobsSettings(Bool("Jobs:Enabled"), TimeOfDay("Jobs:NightlyAt")),
            new DemoSettings(Bool("Demo:SeedOnFirstRun"), (int)Long("Demo:Members", 0, 10_000_000)),
            new ApiSettings(Long("Api:MaxBodyBytes", 1024, 1L << 30), (int)Long("Api:RateLimit:PermitsPerMinute", 1, 1_000_000),
                (int)Long("Api:MaxWriteBatch", 1, 10_000)));

        if (problems.Count > 0) throw new InvalidSettingsException(problems);
        return settings;
    }
}
