using System.Net;
using System.Text.RegularExpressions;
using LianDong.Tests.Support;

namespace LianDong.Tests.Hosting;

/// <summary>
/// What is deployed is what is tested: the published console, started as its own process in the Production
/// environment, serves the sign-in page and every script and stylesheet the pages load (a static asset that only the
/// Development environment or the build folder serves would break every page in production).
/// </summary>
public partial class PublishedAssetsTests
{
    [Fact]
    public async Task The_published_console_serves_every_asset_its_pages_load_in_production()
    {
        using var db = new TempDatabase();
        await using var server = await ConsoleServerProcess.StartAsync(db.FilePath);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var login = await http.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var html = await login.Content.ReadAsStringAsync();

        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value)
            .Where(u => !u.StartsWith("http", StringComparison.Ordinal) && !u.StartsWith("data:", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Contains(assets, a => a.Contains("blazor.web", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.StartsWith("_content/", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            var response = await http.GetAsync("/" + asset.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}\n{server.Output}");
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0, $"{asset} is empty");
        }
    }

    [GeneratedRegex("""(?:href|src)="(?<url>[^"#]+\.(?:js|css|svg))(?:\?[^"]*)?" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex AssetReference();
}
