using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using LianDong.Tests.Support;
using LianDong.Tests.E2E;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace LianDong.Tests.Hosting;

public class ShutdownTests
{
    [Fact]
    public async Task SIGTERM_with_a_circuit_websocket_open_stops_the_console_within_a_few_seconds()
    {
        using var db = new TempDatabase();
        await using var server = await ConsoleServerProcess.StartAsync(db.FilePath);
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        await FormLogin.SignInAsync(http, server.AdminEmail, server.AdminPassword);

        // A browser tab: the Blazor hub's negotiation, then its WebSocket with the SignalR handshake done.
        var negotiate = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.True(negotiate.IsSuccessStatusCode, $"{(int)negotiate.StatusCode} {await negotiate.Content.ReadAsStringAsync()}");
        var token = JsonNode.Parse(await negotiate.Content.ReadAsStringAsync())!["connectionToken"]!.GetValue<string>();
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        var ws = new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/_blazor", Query = "id=" + token }.Uri;
        await socket.ConnectAsync(ws, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Binary, true, CancellationToken.None);
        var buffer = new byte[4096];
        var handshake = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, handshake.Count));
        Assert.Equal(WebSocketState.Open, socket.State);

        var took = await server.TerminateAsync(TimeSpan.FromSeconds(40));
        Assert.True(server.HasExited, $"still running {took.TotalSeconds:N1} s after SIGTERM:\n{server.Output}");
        Assert.True(took < TimeSpan.FromSeconds(5), $"stopping took {took.TotalSeconds:N1} s:\n{server.Output}");
        Assert.Equal(0, server.ExitCode);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task SIGTERM_with_a_signed_in_browser_tab_on_the_dashboard_stops_the_console_within_a_few_seconds()
    {
        using var db = new TempDatabase();
        await using var server = await ConsoleServerProcess.StartAsync(db.FilePath);
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await BrowserFixture.SubmitLoginAsync(page, server.AdminEmail, server.AdminPassword);
        await page.GotoAsync("/");
        await BrowserFixture.WaitForCircuitAsync(page);

        var took = await server.TerminateAsync(TimeSpan.FromSeconds(40));
        Assert.True(server.HasExited, $"still running {took.TotalSeconds:N1} s after SIGTERM:\n{server.Output}");
        Assert.True(took < TimeSpan.FromSeconds(5), $"stopping took {took.TotalSeconds:N1} s:\n{server.Output}");
        Assert.Equal(0, server.ExitCode);
        SqliteConnection.ClearAllPools();
    }
}
