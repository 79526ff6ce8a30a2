namespace LianDong.Console.Settings;

/// <summary>
/// The defaults used when a setting is absent. They are the lowest-priority configuration source,
/// so the console runs the same from any working directory; appsettings.json and
/// appsettings.sample.json carry the same values (a test keeps the three in step).
/// </summary>
public static class SettingsDefaults
{
    /// <summary>
    /// Where the console listens when no address is given at all. Not a configuration value: one in appsettings.json
    /// would outrank ASPNETCORE_URLS and DOTNET_URLS (see <see cref="Hosting.ListenAddresses"/>).
    /// </summary>
    public const string Urls = "http://127.0.0.1:5000";

    public static readonly IReadOnlyDictionary<string, string> Values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Default"] = "Data Source=data/liandong.db",
        ["Jobs:Enabled"] = "true",
        ["Jobs:NightlyAt"] = "02:00",
        ["Demo:SeedOnFirstRun"] = "true",
        ["Demo:Members"] = "2000",
        ["Api:MaxBodyBytes"] = "65536",
        ["Api:RateLimit:PermitsPerMinute"] = "600",
        ["Api:MaxWriteBatch"] = "400",
        ["ForwardedHeaders:Enabled"] = "false",
        ["ForwardedHeaders:KnownProxies"] = "127.0.0.1;::1",
    };

    public static IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
        Values.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value));
}
