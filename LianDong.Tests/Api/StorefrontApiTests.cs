using System.Text.Json.Nodes;
using LianDong.Console.Api;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Api;

/// <summary>One console with the default rules and pack GP499 (merchant M1) on, shared by the status-code tests; each test uses its own ids.</summary>
public sealed class StorefrontFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = null!;
    public HttpClient Platform { get; private set; } = null!;
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    public async Task InitializeAsync()
    {
        Host = await ApiHost.StartAsync();
        Platform = await Host.ClientAsync();
        await Platform.PutPackAsync("GP499", "M1");
        await Platform.PutPackAsync("OTHER1", "M2");
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public class StorefrontApiTests(StorefrontFixture f) : IClassFixture<StorefrontFixture>
{
    private static string Id(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
    private static readonly DateTimeOffset T0 = StorefrontFixture.T0;

    private static void AssertProblem((int Status, JsonNode? Body) r, int status, string? field)
    {
        Assert.True(r.Status == status, $"expected {status}, got {r.Status}: {r.Body?.ToJsonString()}");
        Assert.Equal(status, (int)r.Body!["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)r.Body["detail"]));
        if (field is not null) Assert.Equal(field, (string?)r.Body["field"]);
    }

    [Fact]
    public async Task Missing_unknown_and_revoked_keys_are_401_and_use_is_recorded()
    {
        AssertProblem(await f.Host.ClientWith(null).GetAsync2("/api/v1/members/x"), 401, "Authorization");
        AssertProblem(await f.Host.ClientWith("ld_not-a-real-key").GetAsync2("/api/v1/members/x"), 401, "Authorization");

        var store = f.Host.Get<ApiKeyStore>();
        var (row, secret) = await store.CreateAsync("revoke me", null, "test");
        var client = f.Host.ClientWith(secret);
        AssertProblem(await client.GetAsync2("/api/v1/members/nobody"), 404, "memberId");
        await store.UsageRecorded();
        Assert.NotNull((await store.ListAsync()).Single(k => k.Id == row.Id).LastUsedAt);
        Assert.True(await store.RevokeAsync(row.Id, "test"));
        AssertProblem(await client.GetAsync2("/api/v1/members/nobody"), 401, "Authorization");
    }

    [Fact]
    public async Task Member_registration_is_idempotent_on_its_id()
    {
        var a = Id("a");
        var body = new { memberId = a, displayName = "张三", phone = "13800000000", registeredAt = T0 };
        var first = await f.Platform.PostAsync("/api/v1/members", body);
        Assert.Equal(201, first.Status);
        Assert.Equal(a, (string?)first.Body!["memberId"]);
        var again = await f.Platform.PostAsync("/api/v1/members", body);
        Assert.Equal(200, again.Status);
        Assert.Equal(first.Body.ToJsonString(), again.Body!.ToJsonString());

        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = a, displayName = "李四", phone = "13800000000", registeredAt = T0 }), 409, "memberId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = a, registeredAt = T0.AddHours(1) }), 409, "memberId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = Id("b"), referrerId = "no-such-member", registeredAt = T0 }), 422, "referrerId");
    }

    [Fact]
    public async Task Malformed_bodies_are_400_naming_the_field()
    {
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = "bad id!", registeredAt = T0 }), 400, "memberId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = new string('x', 65), registeredAt = T0 }), 400, "memberId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = Id("m"), registeredAt = "2026-03-01T10:00:00" }), 400, "registeredAt");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = Id("m") }), 400, "registeredAt");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", "{\"memberId\": "), 400, "body");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", "[1,2]"), 400, "body");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = "x", kind = "gift", paidAt = T0 }), 400, "kind");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = "x", kind = "pack", paidAt = T0 }), 400, "packCode");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = "x", kind = "retail", amountFen = 0, paidAt = T0 }), 400, "amountFen");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = "x", kind = "retail", amountFen = "12", paidAt = T0 }), 400, "amountFen");
        AssertProblem(await f.Platform.PutAsync("/api/v1/packs/P1", new { merchantCode = "M1", name = "n", priceFen = 100, costFen = 1, stock = -1, active = false }), 400, "stock");
        AssertProblem(await f.Platform.PutAsync("/api/v1/packs/P1", new { merchantCode = "M1", name = "n", priceFen = 100, costFen = 1, stock = 1, active = "yes" }), 400, "active");
        AssertProblem(await f.Platform.GetAsync2("/api/v1/members/x/entries?limit=500"), 400, "limit");
        AssertProblem(await f.Platform.GetAsync2("/api/v1/nothing-here"), 404, null);
        var text = await f.Platform.PostAsync("/api/v1/members", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(415, (int)text.StatusCode);
        Assert.Equal("Content-Type", (string?)JsonNode.Parse(await text.Content.ReadAsStringAsync())!["field"]);
    }

    [Fact]
    public async Task Pack_order_answers_what_it_did_and_retries_get_the_same_answer()
    {
        var (r, b) = (Id("r"), Id("b"));
        await f.Platform.JoinAsync(r, null, T0);
        await f.Platform.PostAsync("/api/v1/members", new { memberId = b, referrerId = r, registeredAt = T0 });
        var order = new { orderId = "o" + b, memberId = b, kind = "pack", packCode = "GP499", paidAt = T0.AddMinutes(5) };
        var first = await f.Platform.PostAsync("/api/v1/orders", order);
        Assert.Equal(201, first.Status);
        Assert.True((bool)first.Body!["qualifying"]!);
        Assert.Equal(49900, (long)first.Body["amountFen"]!);
        var rank = first.Body["rankChanges"]!.AsArray().Single()!;
        Assert.Equal(b, (string?)rank["memberId"]);
        Assert.Equal("agent", (string?)rank["toRank"]);
        var direct = first.Body["entries"]!.AsArray().Single(e => (string?)e!["kind"] == "direct")!;
        Assert.Equal(r, (string?)direct["memberId"]);

        var again = await f.Platform.PostAsync("/api/v1/orders", order);
        Assert.Equal(200, again.Status);
        Assert.Equal(first.Body.ToJsonString(), again.Body!.ToJsonString());

        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", order with { paidAt = T0.AddMinutes(6) }), 409, "orderId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = "o" + b, memberId = b, kind = "retail", amountFen = 100, paidAt = T0 }), 409, "orderId");

        var member = await f.Platform.GetAsync2($"/api/v1/members/{r}");
        Assert.Equal(200, member.Status);
        Assert.Equal("agent", (string?)member.Body!["rank"]);
        Assert.Equal(1, (int)member.Body["teamSize"]!);
        Assert.Equal((long)direct["amountFen"]!, (long)member.Body["pendingFen"]! + (long)member.Body["frozenFen"]!);
        var entries = await f.Platform.GetAsync2($"/api/v1/members/{r}/entries?limit=1");
        Assert.Equal(200, entries.Status);
        Assert.Single(entries.Body!["items"]!.AsArray());
        var referrals = await f.Platform.GetAsync2($"/api/v1/members/{r}/referrals");
        Assert.Equal(b, (string?)referrals.Body!["items"]![0]!["memberId"]);
        Assert.Null(referrals.Body["nextAfter"]);
    }

    [Fact]
    public async Task Orders_with_unknown_references_off_packs_or_outside_the_key_scope_are_refused()
    {
        var m = Id("m");
        await f.Platform.PostAsync("/api/v1/members", new { memberId = m, registeredAt = T0 });
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = "ghost", kind = "retail", amountFen = 100, paidAt = T0 }), 422, "memberId");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = m, kind = "pack", packCode = "NOPACK", paidAt = T0 }), 422, "packCode");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = m, kind = "pack", packCode = "GP499", amountFen = 100, paidAt = T0 }), 422, "amountFen");

        await f.Platform.PutPackAsync("OFF1", "M1", active: false);
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = m, kind = "pack", packCode = "OFF1", paidAt = T0 }), 422, "packCode");

        var merchantKey = await f.Host.ClientAsync("M1");
        AssertProblem(await merchantKey.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = m, kind = "pack", packCode = "OTHER1", paidAt = T0 }), 403, "packCode");
        var own = await merchantKey.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = m, kind = "pack", packCode = "GP499", paidAt = T0 });
        Assert.Equal(201, own.Status);

        await using var db = await f.Host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Orders.CountAsync(o => db.Members.Any(x => x.Id == o.MemberId && x.ExternalId == m)));
    }

    [Fact]
    public async Task Refund_is_201_then_200_and_unknown_orders_are_404()
    {
        var (r, b) = (Id("r"), Id("b"));
        await f.Platform.JoinAsync(r, null, T0);
        await f.Platform.JoinAsync(b, r, T0.AddMinutes(10));
        var first = await f.Platform.PostAsync($"/api/v1/orders/o{b}/refund", new { refundedAt = T0.AddHours(1) });
        Assert.Equal(201, first.Status);
        Assert.NotEmpty(first.Body!["cancelledEntryIds"]!.AsArray());
        Assert.Equal("member", (string?)first.Body["rankChanges"]![0]!["toRank"]);
        var again = await f.Platform.PostAsync($"/api/v1/orders/o{b}/refund", new { refundedAt = T0.AddHours(2) });
        Assert.Equal(200, again.Status);
        Assert.Equal(first.Body.ToJsonString(), again.Body!.ToJsonString());

        AssertProblem(await f.Platform.PostAsync("/api/v1/orders/nope/refund", new { refundedAt = T0 }), 404, "orderId");
        AssertProblem(await f.Platform.PostAsync($"/api/v1/orders/o{r}/refund", new { refundedAt = T0.AddDays(-1) }), 422, "refundedAt");
        AssertProblem(await f.Platform.PostAsync($"/api/v1/orders/o{r}/refund", new { }), 400, "refundedAt");

        var otherMerchant = await f.Host.ClientAsync("M2");
        AssertProblem(await otherMerchant.PostAsync($"/api/v1/orders/o{r}/refund", new { refundedAt = T0.AddHours(1) }), 403, "packCode");
    }

    [Fact]
    public async Task Pack_put_is_an_upsert_scoped_to_the_merchant_and_checked_for_compliance()
    {
        var code = Id("P");
        var body = new { merchantCode = "NEWM" + code[1..5], name = "礼包", priceFen = 49900, costFen = 17900, stock = 5, active = true };
        var created = await f.Platform.PutAsync($"/api/v1/packs/{code}", body);
        Assert.Equal(201, created.Status);
        Assert.True((bool)created.Body!["active"]!);
        var updated = await f.Platform.PutAsync($"/api/v1/packs/{code}", body with { stock = 7 });
        Assert.Equal(200, updated.Status);
        Assert.Equal(7, (int)updated.Body!["stock"]!);

        // Too little room between price and cost for the largest payout: refused, and nothing changed.
        var tooCheap = await f.Platform.PutAsync($"/api/v1/packs/{code}", body with { costFen = 45000, stock = 9 });
        AssertProblem(tooCheap, 422, "active");
        Assert.Contains("largest payout", (string?)tooCheap.Body!["detail"]);
        var after = await f.Host.Get<LianDong.Domain.Packs.PackCatalogueService>().FindAsync(code);
        Assert.Equal((17900L, 7, true), (after!.CostFen, after.Stock, after.Active));

        AssertProblem(await f.Platform.PutAsync($"/api/v1/packs/{code}", body with { merchantCode = "M1" }), 409, "code");
        var m1 = await f.Host.ClientAsync("M1");
        AssertProblem(await m1.PutAsync($"/api/v1/packs/{code}", body), 403, "merchantCode");
        AssertProblem(await m1.PutAsync($"/api/v1/packs/{code}", body with { merchantCode = "M1" }), 409, "code");
        Assert.Equal(201, (await m1.PutAsync($"/api/v1/packs/{Id("Q")}", body with { merchantCode = "M1", active = false })).Status);
        AssertProblem(await f.Platform.PutAsync($"/api/v1/packs/{Id("Z")}", body with { priceFen = 0 }), 422, "priceFen");
    }

    [Fact]
    public async Task Payout_account_is_stored_encrypted_and_shown_masked()
    {
        var m = Id("m");
        await f.Platform.PostAsync("/api/v1/members", new { memberId = m, registeredAt = T0 });
        var body = new { accountName = "王小明", bankName = "中国银行", accountNo = "6216 6100 0000 1234" };
        var first = await f.Platform.PutAsync($"/api/v1/members/{m}/payout-account", body);
        Assert.Equal(201, first.Status);
        Assert.Equal("****1234", (string?)first.Body!["accountNo"]);
        Assert.Equal("王**", (string?)first.Body["accountName"]);
        Assert.Equal(200, (await f.Platform.PutAsync($"/api/v1/members/{m}/payout-account", body)).Status);
        var member = await f.Platform.GetAsync2($"/api/v1/members/{m}");
        Assert.Equal("****1234", (string?)member.Body!["payoutAccount"]!["accountNo"]);
        Assert.DoesNotContain("6216610000001234", member.Body.ToJsonString());

        AssertProblem(await f.Platform.PutAsync($"/api/v1/members/{m}/payout-account", body with { accountNo = "12" }), 400, "accountNo");
        AssertProblem(await f.Platform.PutAsync($"/api/v1/members/{m}/payout-account", new { bankName = "x", accountNo = "12345678" }), 400, "accountName");
        AssertProblem(await f.Platform.PutAsync("/api/v1/members/ghost/payout-account", body), 404, "memberId");
    }

    [Fact]
    public async Task OpenApi_document_lists_the_routes()
    {
        var response = await f.Host.ClientWith(null).GetAsync(StorefrontEndpoints.OpenApiPath);
        Assert.Equal(200, (int)response.StatusCode);
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var p in new[] { "/api/v1/members", "/api/v1/orders", "/api/v1/orders/{orderId}/refund", "/api/v1/members/{memberId}",
                     "/api/v1/members/{memberId}/entries", "/api/v1/members/{memberId}/referrals", "/api/v1/members/{memberId}/payout-account", "/api/v1/packs/{code}" })
            Assert.Contains(p, paths);
        Assert.All(paths, p => Assert.StartsWith("/api/v1/", p));
        // The key scheme is declared, and required by every operation (the document itself needs no key).
        var bearer = doc["components"]!["securitySchemes"]!["Bearer"]!;
        Assert.Equal(("http", "bearer"), ((string?)bearer["type"], (string?)bearer["scheme"]));
        Assert.NotNull(Assert.Single(doc["security"]!.AsArray())!["Bearer"]);
        Assert.NotNull(doc["components"]!["schemas"]); // the generated schemas are still there
        // Request bodies are described by the typed records the API binds and validates: required fields and lengths.
        var register = doc["components"]!["schemas"]!["RegisterMemberRequest"]!;
        Assert.Equal(["memberId", "registeredAt"], register["required"]!.AsArray().Select(n => (string)n!).Order().ToArray());
        Assert.Equal(100, (int)register["properties"]!["displayName"]!["maxLength"]!);
        Assert.Equal("date-time", (string?)register["properties"]!["registeredAt"]!["format"]);
        Assert.Equal("#/components/schemas/OrderRequest",
            (string?)doc["paths"]!["/api/v1/orders"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        var pack = doc["components"]!["schemas"]!["PackRequest"]!;
        Assert.Contains("active", pack["required"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(response.Content.Headers.ContentLength, (await response.Content.ReadAsByteArrayAsync()).Length);
    }
}

public class ApiLimitTests
{
    [Fact]
    public async Task Too_many_requests_are_429_with_Retry_After_and_large_bodies_413()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string>
        {
            ["Api:RateLimit:PermitsPerMinute"] = "3",
            ["Api:MaxBodyBytes"] = "1024",
        }, publishRules: false);
        var client = await host.ClientAsync();
        var big = new { memberId = "big", displayName = new string('x', 2000), registeredAt = StorefrontFixture.T0 };
        var (status, body) = await client.PostAsync("/api/v1/members", big);
        Assert.Equal(413, status);
        Assert.Equal("body", (string?)body!["field"]);
        // A body without Content-Length (chunked) is counted while read.
        var chunked = new UnsizedContent(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(big)), "application/json");
        var streamed = await client.PostAsync("/api/v1/members", chunked);
        Assert.Null(chunked.Headers.ContentLength);
        Assert.Equal(413, (int)streamed.StatusCode);
        Assert.Equal(404, (await client.GetAsync2("/api/v1/members/a")).Status);
        var limited = await client.GetAsync("/api/v1/members/c");
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        Assert.Contains("application/problem+json", limited.Content.Headers.ContentType!.ToString());
        // Another key has its own allowance.
        Assert.Equal(404, (await (await host.ClientAsync()).GetAsync2("/api/v1/members/a")).Status);
        await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Members.AnyAsync());
    }
}

/// <summary>A body whose length is not known up front, so it is sent chunked.</summary>
internal sealed class UnsizedContent(byte[] bytes) : HttpContent
{
    public UnsizedContent(byte[] bytes, string contentType) : this(bytes) => Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();
    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
