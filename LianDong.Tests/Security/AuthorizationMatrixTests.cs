using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using LianDong.Console.Api;
using LianDong.Console.Components;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Security;

/// <summary>
/// Every page route (from the @page attributes of the console's components) and every endpoint (from the
/// app's EndpointDataSource) against anonymous, each role, a merchant user of another merchant, and a
/// revoked API key. Nothing is listed by hand except the few endpoints public by design, so a page or
/// endpoint added later is checked without anyone remembering to add it here.
/// </summary>
public sealed class AuthorizationMatrixFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = default!;
    public Dictionary<string, HttpClient> Signed { get; } = [];
    public HttpClient Anonymous { get; private set; } = default!;
    public string MerchantACode { get; private set; } = "";
    public string MerchantBCode { get; private set; } = "";
    public string PlatformKey { get; private set; } = "";
    public string RevokedKey { get; private set; } = "";
    public const string OtherMerchant = "Merchant (of another merchant)";

    public async Task InitializeAsync()
    {
        Host = await ApiHost.StartAsync();
        Anonymous = Host.ClientWith(null);
        var users = new Dictionary<string, (string Email, string Password)> { [AppRoles.PlatformAdmin] = (Host.AdminEmail, Host.AdminPassword) };
        foreach (var role in new[] { AppRoles.Merchant, AppRoles.Finance })
        {
            var email = TestSecrets.NewEmail(role.ToLowerInvariant());
            users[role] = (email, await Host.CreateUserAsync(email, role));
        }
        var other = TestSecrets.NewEmail("merchant-b");
        users[OtherMerchant] = (other, await Host.CreateUserAsync(other, AppRoles.Merchant));
        foreach (var (who, (email, password)) in users)
        {
            var client = Host.ClientWith(null);
            await FormLogin.SignInAsync(client, email, password);
            Signed[who] = client;
        }
        MerchantACode = await MerchantCodeOfAsync(users[AppRoles.Merchant].Email);
        MerchantBCode = await MerchantCodeOfAsync(other);

        PlatformKey = await Host.NewKeyAsync();
        RevokedKey = await Host.NewKeyAsync();
        var store = Host.Get<ApiKeyStore>();
        var revoked = (await store.ListAsync()).Single(k => RevokedKey.StartsWith(k.Prefix, StringComparison.Ordinal));
        Assert.True(await store.RevokeAsync(revoked.Id, "test"));
    }

    private async Task<string> MerchantCodeOfAsync(string email)
    {
        using var scope = Host.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        var merchantId = await db.Users.Where(u => u.Email == email).Select(u => u.MerchantId).SingleAsync();
        return await db.Merchants.Where(m => m.Id == merchantId).Select(m => m.Code).SingleAsync();
    }

    public Task DisposeAsync()
    {
        foreach (var c in Signed.Values) c.Dispose();
        Anonymous?.Dispose();
        Host?.Dispose();
        return Task.CompletedTask;
    }
}

public class AuthorizationMatrixTests(AuthorizationMatrixFixture fx) : IClassFixture<AuthorizationMatrixFixture>
{
    /// <summary>Public by design: the OpenAPI document (docs/api.md) and the /api catch-all that answers 404/415 problems.</summary>
    private static readonly string[] PublicApiRoutes = [StorefrontEndpoints.OpenApiPath.TrimStart('/'), "api/{**rest}"];

    private sealed record PageRoute(string Template, Type Component, AuthorizeAttribute? Authorize, bool Anonymous)
    {
        public string Probe => string.Join('/', Template.Split('/').Select(s => s.StartsWith('{') ? "x-probe" : s));
    }

    private static List<PageRoute> DiscoverPages() =>
        typeof(App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes<Microsoft.AspNetCore.Components.RouteAttribute>().Select(r => new PageRoute(
                r.Template, t, t.GetCustomAttribute<AuthorizeAttribute>(), t.GetCustomAttribute<AllowAnonymousAttribute>() is not null)))
            .ToList();

    private List<RouteEndpoint> Endpoints() =>
        fx.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static bool IsRefusal(HttpResponseMessage r) =>
        r.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
        || r.StatusCode == HttpStatusCode.Redirect && r.Headers.Location?.OriginalString is { } l
            && (l.Contains("/account/login", StringComparison.Ordinal) || l.Contains("/account/access-denied", StringComparison.Ordinal));

    [Fact]
    public async Task Every_page_route_admits_exactly_the_roles_it_declares()
    {
        var pages = DiscoverPages();
        Assert.True(pages.Count >= 15, $"only {pages.Count} page routes discovered");
        var endpointRoutes = Endpoints().Select(e => e.RoutePattern.RawText?.TrimStart('/')).ToHashSet();
        var failures = new List<string>();
        var checks = 0;
        foreach (var page in pages)
        {
            if (!endpointRoutes.Contains(page.Template.TrimStart('/'))) failures.Add($"{page.Template}: not mapped as an endpoint");
            if (page.Authorize is null && !page.Anonymous && page.Template != "/not-found")
                failures.Add($"{page.Template} ({page.Component.Name}): declares neither [Authorize] nor [AllowAnonymous]");

            using (var anonymous = await fx.Anonymous.GetAsync(page.Probe))
            {
                checks++;
                var refused = anonymous.StatusCode == HttpStatusCode.Redirect && anonymous.RedirectPath() == "/account/login";
                if (page.Anonymous == refused || (int)anonymous.StatusCode >= 500)
                    failures.Add($"{page.Probe} anonymous: {(int)anonymous.StatusCode} {anonymous.Headers.Location}");
            }
            foreach (var (who, client) in fx.Signed)
            {
                checks++;
                var role = who == AuthorizationMatrixFixture.OtherMerchant ? AppRoles.Merchant : who;
                var allowed = page.Anonymous || page.Authorize is null
                    || string.IsNullOrEmpty(page.Authorize.Roles) || page.Authorize.Roles.Split(',').Contains(role);
                using var response = await client.GetAsync(page.Probe);
                var ok = (int)response.StatusCode < 500 && (allowed
                    ? !IsRefusal(response) || page.Anonymous && response.StatusCode == HttpStatusCode.Redirect
                    : response.StatusCode == HttpStatusCode.Redirect && response.RedirectPath() == "/account/access-denied");
                if (!ok) failures.Add($"{page.Probe} as {who}: expected {(allowed ? "admitted" : "access denied")}, got {(int)response.StatusCode} {response.Headers.Location}");
                // A merchant user sees nothing of another merchant on any page it may open.
                if (allowed && role == AppRoles.Merchant && response.StatusCode == HttpStatusCode.OK)
                {
                    var html = await response.Content.ReadAsStringAsync();
                    var foreign = who == AuthorizationMatrixFixture.OtherMerchant ? fx.MerchantACode : fx.MerchantBCode;
                    if (html.Contains(foreign, StringComparison.Ordinal)) failures.Add($"{page.Probe} as {who}: shows merchant {foreign}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} checks failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task Every_api_endpoint_refuses_anonymous_revoked_keys_and_console_cookies_and_admits_a_valid_key()
    {
        var api = Endpoints()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .Where(e => !PublicApiRoutes.Contains(e.RoutePattern.RawText!.TrimStart('/')))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Endpoint: e)))
            .ToList();
        Assert.True(api.Count >= 8, $"only {api.Count} API endpoints discovered");
        var failures = new List<string>();
        var checks = 0;
        var callers = new List<(string Who, HttpClient Client, string? Key, bool Admitted)>
        {
            ("anonymous", fx.Anonymous, null, false),
            ("revoked key", fx.Anonymous, fx.RevokedKey, false),
            ("malformed key", fx.Anonymous, "ld_" + new string('x', 43), false),
            ("platform key", fx.Anonymous, fx.PlatformKey, true),
        };
        callers.AddRange(fx.Signed.Select(s => ($"console session of {s.Key}", s.Value, (string?)null, false)));
        foreach (var (method, endpoint) in api)
        {
            var url = "/" + string.Join('/', endpoint.RoutePattern.RawText!.TrimStart('/').Split('/').Select(s => s.StartsWith('{') ? "x-probe" : s));
            foreach (var (who, client, key, admitted) in callers)
            {
                checks++;
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                var ok = status < 500 && isProblem | status < 300 && (admitted ? status is not (401 or 403) : status == 401);
                if (!ok) failures.Add($"{method} {url} as {who}: {status} {response.Content.Headers.ContentType}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} checks failed:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task A_merchant_key_cannot_touch_another_merchants_packs_or_orders()
    {
        using var platform = fx.Host.ClientWith(fx.PlatformKey);
        using var merchantB = fx.Host.ClientWith(await fx.Host.NewKeyAsync(fx.MerchantBCode));
        var pack = "PK" + Guid.NewGuid().ToString("N")[..6];
        var (created, _) = await platform.SendAsync(HttpMethod.Put, $"/api/v1/packs/{pack}",
            new { merchantCode = fx.MerchantACode, name = "A's pack", priceFen = 49900, costFen = 17900, stock = 10, active = true });
        Assert.Equal(201, created);

        var (update, body) = await merchantB.SendAsync(HttpMethod.Put, $"/api/v1/packs/{pack}",
            new { merchantCode = fx.MerchantACode, name = "taken over", priceFen = 1, costFen = 0, stock = 10, active = true });
        Assert.Equal(403, update);
        Assert.Equal("merchantCode", body?["field"]?.ToString());

        var memberId = "m" + Guid.NewGuid().ToString("N")[..8];
        var at = DateTimeOffset.UtcNow;
        var (member, _) = await platform.SendAsync(HttpMethod.Post, "/api/v1/members", new { memberId, registeredAt = at });
        Assert.Equal(201, member);
        var (order, orderBody) = await merchantB.SendAsync(HttpMethod.Post, "/api/v1/orders",
            new { orderId = "o" + memberId, memberId, kind = "pack", packCode = pack, paidAt = at.AddMinutes(1) });
        Assert.Equal(403, order);
        Assert.Equal("packCode", orderBody?["field"]?.ToString());
        var (detail, detailBody) = await platform.SendAsync(HttpMethod.Get, $"/api/v1/members/{memberId}");
        Assert.Equal(200, detail);
        Assert.Equal("member", detailBody?["rank"]?.ToString()); // the refused order made no agent
    }
}
