using System.Text.Json.Nodes;
using LianDong.Tests.Support;

namespace LianDong.Tests.Api;

/// <summary>
/// Issue 13, found by attacking the API: amounts, prices and event times have documented ranges (docs/api.md, "Limits"),
/// and a body that repeats a key is refused. Each refusal is a problem naming the field.
/// </summary>
public class InputLimitApiTests(StorefrontFixture f) : IClassFixture<StorefrontFixture>
{
    private static string Id(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
    private static readonly DateTimeOffset T0 = StorefrontFixture.T0;

    private static JsonNode AssertProblem((int Status, JsonNode? Body) r, int status, string field)
    {
        Assert.True(r.Status == status, $"expected {status}, got {r.Status}: {r.Body?.ToJsonString()}");
        Assert.Equal(status, (int)r.Body!["status"]!);
        Assert.Equal(field, (string?)r.Body["field"]);
        Assert.Equal(field, Assert.Single(r.Body["errors"]!.AsObject()).Key);
        return r.Body;
    }

    private async Task<string> AgentWithBuyerAsync()
    {
        var a = Id("a");
        var b = Id("b");
        await f.Platform.JoinAsync(a, null, T0);
        var (s, body) = await f.Platform.PostAsync("/api/v1/members", new { memberId = b, referrerId = a, registeredAt = T0.AddMinutes(5) });
        Assert.True(s == 201, body?.ToJsonString());
        return b;
    }

    [Fact]
    public async Task A_retail_amount_above_one_million_yuan_is_422_naming_the_range_and_posts_nothing()
    {
        var b = await AgentWithBuyerAsync();
        var over = AssertProblem(await f.Platform.PostAsync("/api/v1/orders",
            new { orderId = Id("r"), memberId = b, kind = "retail", amountFen = 100_000_001L, paidAt = T0.AddMinutes(6) }), 422, "amountFen");
        Assert.Contains("¥1,000,000.00", (string)over["detail"]!);
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders",
            new { orderId = Id("r"), memberId = b, kind = "retail", amountFen = long.MaxValue, paidAt = T0.AddMinutes(6) }), 422, "amountFen");

        var (s, ok) = await f.Platform.PostAsync("/api/v1/orders",
            new { orderId = Id("r"), memberId = b, kind = "retail", amountFen = 100_000_000L, paidAt = T0.AddMinutes(7) });
        Assert.True(s == 201, ok?.ToJsonString());
        Assert.Equal(10_000_000L, (long)ok!["entries"]!.AsArray().Single()!["amountFen"]!); // 10 % of ¥1,000,000.00, exact
    }

    [Fact]
    public async Task The_0_fen_amount_keeps_its_400()
    {
        var b = await AgentWithBuyerAsync();
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders",
            new { orderId = Id("r"), memberId = b, kind = "retail", amountFen = 0, paidAt = T0.AddMinutes(6) }), 400, "amountFen");
    }

    [Fact]
    public async Task A_pack_priced_beyond_the_maximum_or_costing_more_than_its_price_is_422()
    {
        var code = Id("P");
        var price = AssertProblem(await f.Platform.PutAsync($"/api/v1/packs/{code}",
            new { merchantCode = "M1", name = "n", priceFen = 10_000_001L, costFen = 0, stock = 1, active = false }), 422, "priceFen");
        Assert.Contains("¥100,000.00", (string)price["detail"]!);
        AssertProblem(await f.Platform.PutAsync($"/api/v1/packs/{code}",
            new { merchantCode = "M1", name = "n", priceFen = 49_900, costFen = 49_901, stock = 1, active = false }), 422, "costFen");
        AssertProblem(await f.Platform.PutAsync($"/api/v1/packs/{code}",
            new { merchantCode = "M1", name = "n", priceFen = long.MaxValue, costFen = long.MaxValue - 1, stock = 1, active = false }), 422, "priceFen");
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59+14:00")]
    [InlineData("2100-01-01T00:00:00Z")]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00Z")]
    public async Task Event_times_outside_the_window_are_422_naming_the_field(string at)
    {
        var m = Id("m");
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = m, registeredAt = at }), 422, "registeredAt");
        var b = await AgentWithBuyerAsync();
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("o"), memberId = b, kind = "pack", packCode = "GP499", paidAt = at }), 422, "paidAt");
        AssertProblem(await f.Platform.PostAsync("/api/v1/orders", new { orderId = Id("r"), memberId = b, kind = "retail", amountFen = 100, paidAt = at }), 422, "paidAt");
        var o = Id("o");
        Assert.Equal(201, (await f.Platform.PostAsync("/api/v1/orders", new { orderId = o, memberId = b, kind = "pack", packCode = "GP499", paidAt = T0.AddMinutes(9) })).Status);
        AssertProblem(await f.Platform.PostAsync($"/api/v1/orders/{o}/refund", new { refundedAt = at }), 422, "refundedAt");
    }

    [Fact]
    public async Task A_time_more_than_five_minutes_ahead_of_the_server_clock_is_422_and_within_five_minutes_is_accepted()
    {
        var now = f.Host.Clock.Now;
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", new { memberId = Id("m"), registeredAt = now.AddMinutes(5).AddSeconds(1) }), 422, "registeredAt");
        Assert.Equal(201, (await f.Platform.PostAsync("/api/v1/members", new { memberId = Id("m"), registeredAt = now.AddMinutes(4) })).Status);
    }

    [Fact]
    public async Task A_body_that_repeats_a_key_is_400_naming_the_key_and_changes_nothing()
    {
        var first = Id("m");
        var second = Id("m");
        var body = $$"""{"memberId":"{{first}}","memberId":"{{second}}","registeredAt":"{{T0:O}}"}""";
        var problem = AssertProblem(await f.Platform.PostAsync("/api/v1/members", body), 400, "memberId");
        Assert.Contains("more than once", (string)problem["detail"]!);
        Assert.Equal(404, (await f.Platform.GetAsync2($"/api/v1/members/{second}")).Status);
        Assert.Equal(404, (await f.Platform.GetAsync2($"/api/v1/members/{first}")).Status);

        var nested = $$$"""{"memberId":"{{{first}}}","registeredAt":"{{{T0:O}}}","x":{"a":1,"a":2}}""";
        AssertProblem(await f.Platform.PostAsync("/api/v1/members", nested), 400, "x.a");
    }
}
