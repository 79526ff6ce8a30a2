using System.Net;
using LianDong.Console.Hosting;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Hosting;

public class HostingSecurityTests
{
    /// <summary>The console on a real Kestrel port (so the request's remote address is 127.0.0.1, as from a local proxy).</summary>
    private static async Task<(WebApplication App, HttpClient Http, TempDatabase Db)> StartAsync(params string[] settings)
    {
        var db = new TempDatabase();
        var app = WebConsole.Build(["--urls=http://127.0.0.1:0", "--environment=Production", $"--ConnectionStrings:Default={db.ConnectionString}",
            "--Jobs:Enabled=false", "--Demo:SeedOnFirstRun=false", $"--LIANDONG_ADMIN_EMAIL={TestSecrets.NewEmail("admin")}",
            $"--LIANDONG_ADMIN_PASSWORD={TestSecrets.NewPassword()}", .. settings]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) }, db);
    }

    private static async Task StopAsync((WebApplication App, HttpClient Http, TempDatabase Db) h)
    {
        h.Http.Dispose();
        await h.App.StopAsync();
        await h.App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        h.Db.Dispose();
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string host, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return http.SendAsync(request);
    }

    [Fact]
    public async Task A_host_not_in_AllowedHosts_gets_400_and_redirects_never_carry_a_foreign_host()
    {
        var h = await StartAsync("--AllowedHosts=console.example.com");
        try
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(h.Http, "/", "evil.example")).StatusCode);
            var ok = await GetAsync(h.Http, "/", "console.example.com");
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.False(ok.Headers.Location!.IsAbsoluteUri, ok.Headers.Location.ToString());
            Assert.StartsWith("/account/login", ok.Headers.Location.OriginalString);
        }
        finally { await StopAsync(h); }

        // With AllowedHosts "*" (the shipped default) any host is answered, but the redirect still names none.
        h = await StartAsync();
        try
        {
            var r = await GetAsync(h.Http, "/payouts", "evil.example");
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.DoesNotContain("evil.example", r.Headers.Location!.OriginalString);
            Assert.StartsWith("/account/login?ReturnUrl=", r.Headers.Location.OriginalString);
        }
        finally { await StopAsync(h); }
    }

    [Fact]
    public async Task Behind_a_known_TLS_proxy_cookies_are_Secure_and_HSTS_is_sent()
    {
        var h = await StartAsync("--ForwardedHeaders:Enabled=true", "--ForwardedHeaders:KnownProxies=127.0.0.1");
        try
        {
            var r = await GetAsync(h.Http, "/account/login", "console.example.com", forwardedProto: "https");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var cookies = r.Headers.GetValues("Set-Cookie").ToList();
            Assert.NotEmpty(cookies);
            Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
            Assert.StartsWith("max-age=", r.Headers.GetValues("Strict-Transport-Security").Single());

            // Plain HTTP through the same proxy: no Secure cookie, no HSTS.
            var plain = await GetAsync(h.Http, "/account/login", "console.example.com");
            Assert.All(plain.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
            Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        }
        finally { await StopAsync(h); }
    }

    [Fact]
    public async Task X_Forwarded_Proto_from_an_unknown_proxy_or_with_forwarding_off_is_ignored()
    {
        foreach (var settings in new[] { new[] { "--ForwardedHeaders:Enabled=true", "--ForwardedHeaders:KnownProxies=10.9.9.9" }, [] })
        {
            var h = await StartAsync(settings);
            try
            {
                var r = await GetAsync(h.Http, "/account/login", "console.example.com", forwardedProto: "https");
                Assert.All(r.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
                Assert.False(r.Headers.Contains("Strict-Transport-Security"));
            }
            finally { await StopAsync(h); }
        }
    }
}
