using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LianDong.Console.Api;
using LianDong.Domain.Rules;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

/// <summary>
/// The console in the test host for storefront API tests: its own SQLite file, a settable clock
/// (starts at the real time), the default rule set published from 2026-01-01, keys made through the real store.
/// </summary>
public sealed class ApiHost(IReadOnlyDictionary<string, string>? settings = null) : ConsoleFactory(settings)
{
    public TestClock Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public static async Task<ApiHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null, bool publishRules = true)
    {
        var host = new ApiHost(settings);
        _ = host.Server; // starts the host: settings parsed, database migrated
        if (publishRules)
        {
            // Publishing never rewrites the past, so the clock stands at the rule set's start while it is published.
            var now = host.Clock.Now;
            host.Clock.Now = EngineTestHost.Start;
            await host.Get<RuleSetService>().PublishAsync(RuleParameters.Defaults, EngineTestHost.Start, "test");
            host.Clock.Now = now;
        }
        return host;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async Task<string> NewKeyAsync(string? merchantCode = null) =>
        (await Get<ApiKeyStore>().CreateAsync("test " + Guid.NewGuid().ToString("N")[..6], merchantCode, "test")).Secret;

    public async Task<HttpClient> ClientAsync(string? merchantCode = null) => ClientWith(await NewKeyAsync(merchantCode));

    public HttpClient ClientWith(string? key)
    {
        var client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

public static class ApiCalls
{
    public static async Task<(int Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(int Status, JsonNode? Body)> PostAsync(this HttpClient c, string url, object? body) => c.SendAsync(HttpMethod.Post, url, body);
    public static Task<(int Status, JsonNode? Body)> PutAsync(this HttpClient c, string url, object? body) => c.SendAsync(HttpMethod.Put, url, body);
    public static Task<(int Status, JsonNode? Body)> GetAsync2(this HttpClient c, string url) => c.SendAsync(HttpMethod.Get, url);

    /// <summary>Registers a member and pays the pack (making them an Agent).</summary>
    public static async Task JoinAsync(this HttpClient c, string member, string? referrer, DateTimeOffset at, string pack = "GP499")
    {
        var (s1, b1) = await c.PostAsync("/api/v1/members", new { memberId = member, referrerId = referrer, registeredAt = at });
        Assert.True(s1 == 201, b1?.ToJsonString());
        var (s2, b2) = await c.PostAsync("/api/v1/orders", new { orderId = "o" + member, memberId = member, kind = "pack", packCode = pack, paidAt = at.AddMinutes(1) });
        Assert.True(s2 == 201, b2?.ToJsonString());
    }

    public static async Task PutPackAsync(this HttpClient c, string code = "GP499", string merchant = "M1", long price = 49900, long cost = 17900, bool active = true)
    {
        var (s, b) = await c.PutAsync($"/api/v1/packs/{code}", new { merchantCode = merchant, name = code, priceFen = price, costFen = cost, stock = 100, active });
        Assert.True(s is 200 or 201, b?.ToJsonString());
    }
}
