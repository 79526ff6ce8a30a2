using System.Text.Json;
using LianDong.Console.Settings;
using LianDong.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Api;

public class SettingsTests
{
    private static string RepoFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LianDong.sln"))) return Path.Combine(dir.FullName, name);
        throw new FileNotFoundException("repository root not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Flatten(string jsonWithComments)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var doc = JsonDocument.Parse(jsonWithComments, options);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Walk(JsonElement e, string prefix)
        {
            if (e.ValueKind == JsonValueKind.Object)
                foreach (var p in e.EnumerateObject()) Walk(p.Value, prefix.Length == 0 ? p.Name : prefix + ":" + p.Name);
            else
                result[prefix] = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
        }
        Walk(doc.RootElement, "");
        return result;
    }

    private static LianDongSettings Load(params (string Key, string Value)[] overrides) =>
        SettingsLoader.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(SettingsDefaults.AsConfiguration())
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build());

    [Fact]
    public void Sample_lists_exactly_the_known_settings_with_the_default_values()
    {
        var sample = Flatten(File.ReadAllText(RepoFile("appsettings.sample.json")));
        Assert.Equal(SettingsDefaults.Values.Keys.Order(), sample.Keys.Order());
        foreach (var (key, value) in SettingsDefaults.Values)
            Assert.True(string.Equals(value, sample[key], StringComparison.OrdinalIgnoreCase), $"{key}: sample {sample[key]} vs default {value}");
    }

    [Fact]
    public void Shipped_appsettings_carries_the_same_defaults()
    {
        var shipped = Flatten(File.ReadAllText(RepoFile("LianDong.Console/appsettings.json")));
        foreach (var (key, value) in SettingsDefaults.Values)
            Assert.True(string.Equals(value, shipped[key], StringComparison.OrdinalIgnoreCase), $"{key}: appsettings.json {shipped.GetValueOrDefault(key)} vs default {value}");
    }

    [Fact]
    public void Defaults_parse_to_the_documented_values()
    {
        var s = Load();
        Assert.Equal(new Uri("http://127.0.0.1:5000"), Assert.Single(s.Urls));
        Assert.Equal("Data Source=data/liandong.db", s.ConnectionString);
        Assert.True(s.Jobs.Enabled);
        Assert.Equal(new TimeOnly(2, 0), s.Jobs.NightlyAt);
        Assert.True(s.Demo.SeedOnFirstRun);
        Assert.Equal(2000, s.Demo.Members);
        Assert.Equal(65536, s.Api.MaxBodyBytes);
        Assert.Equal(600, s.Api.PermitsPerMinute);
    }

    [Fact]
    public void Overrides_are_used()
    {
        var s = Load(("Jobs:NightlyAt", "03:30"), ("Jobs:Enabled", "false"), ("Api:RateLimit:PermitsPerMinute", "5"));
        Assert.Equal(new TimeOnly(3, 30), s.Jobs.NightlyAt);
        Assert.False(s.Jobs.Enabled);
        Assert.Equal(5, s.Api.PermitsPerMinute);
    }

    [Theory]
    [InlineData("Jobs:NightlyAt", "25:99", "Jobs:NightlyAt \"25:99\" is not a time of day (HH:mm)")]
    [InlineData("Jobs:Enabled", "yes", "Jobs:Enabled \"yes\" is not true or false")]
    [InlineData("Demo:SeedOnFirstRun", "1", "Demo:SeedOnFirstRun \"1\" is not true or false")]
    [InlineData("Demo:Members", "-5", "Demo:Members \"-5\" is not a whole number")]
    [InlineData("Api:MaxBodyBytes", "64k", "Api:MaxBodyBytes \"64k\" is not a whole number")]
    [InlineData("Api:RateLimit:PermitsPerMinute", "0", "Api:RateLimit:PermitsPerMinute \"0\" is not a whole number")]
    [InlineData("Urls", "127.0.0.1:5000", "Urls \"127.0.0.1:5000\" is not an http:// or https:// address")]
    [InlineData("ConnectionStrings:Default", "Nonsense=1", "ConnectionStrings:Default \"Nonsense=1\" is not a SQLite connection string")]
    [InlineData("ConnectionStrings:Default", "", "ConnectionStrings:Default is missing or empty")]
    public void A_malformed_setting_is_refused_naming_it(string key, string value, string message)
    {
        var e = Assert.Throws<InvalidSettingsException>(() => Load((key, value)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Settings_are_options_whose_validation_failure_names_every_bad_setting()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(SettingsDefaults.AsConfiguration())
            .AddInMemoryCollection([new("Jobs:Enabled", "yes"), new("Api:MaxWriteBatch", "0")])
            .Build();
        using var sp = new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddSingleton<IConfiguration>(config)
            .AddLianDongSettings().BuildServiceProvider();
        var e = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(
            () => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<LianDongSettings>>().Value);
        Assert.Equal(typeof(LianDongSettings), e.OptionsType);
        Assert.Equal(["Jobs:Enabled \"yes\" is not true or false", "Api:MaxWriteBatch \"0\" is not a whole number from 1 to 10000"], e.Failures);
        Assert.Equal("Invalid configuration: " + string.Join("; ", e.Failures), e.Message);
    }

    [Fact]
    public async Task A_malformed_setting_stops_the_host_from_starting()
    {
        using var db = new TempDatabase();
        await using var app = LianDong.Console.Hosting.WebConsole.Build(
            ["--urls=http://127.0.0.1:0", $"--ConnectionStrings:Default={db.ConnectionString}", "--Jobs:NightlyAt=25:99"]);
        var e = await Assert.ThrowsAsync<InvalidSettingsException>(() => app.StartAsync());
        Assert.Contains("Jobs:NightlyAt \"25:99\" is not a time of day (HH:mm)", e.Message);
        Assert.False(File.Exists(db.FilePath), "nothing is written before the settings are valid");
    }

    [Fact]
    public async Task The_console_process_exits_1_naming_a_malformed_setting()
    {
        using var db = new TempDatabase();
        var result = await ConsoleProcess.RunAsync(db.Folder, new Dictionary<string, string>
        {
            ["ConnectionStrings__Default"] = db.ConnectionString,
            ["Urls"] = "http://127.0.0.1:0",
            ["Api__RateLimit__PermitsPerMinute"] = "lots",
        });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Api:RateLimit:PermitsPerMinute \"lots\" is not a whole number", result.StdErr);
    }
}
