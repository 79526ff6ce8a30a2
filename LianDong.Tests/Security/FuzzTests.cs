using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LianDong.Console.Api;
using LianDong.Console.Cli;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LianDong.Tests.Security;

/// <summary>
/// A first fuzz pass (seeded, so a failure reproduces): malformed, oversized, wrongly typed, unicode-confusable
/// and boundary-value bodies and ids to every API endpoint discovered from the app, and broken scenario files
/// to the replay verb. Figures are written to the test output and recorded in docs/reliability.md.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static readonly JsonNode?[] Hostile =
    [
        null, JsonValue.Create(""), JsonValue.Create(" "), JsonValue.Create("ｒｏｏｔ"), JsonValue.Create("root\u200b"),
        JsonValue.Create("rооt" /* Cyrillic o */), JsonValue.Create("\u202eroot"), JsonValue.Create("\u0000"), JsonValue.Create("😀"),
        JsonValue.Create("'; DROP TABLE Members; --"), JsonValue.Create("<script>alert(1)</script>"), JsonValue.Create(new string('x', 5000)),
        JsonValue.Create("\ud800"), JsonValue.Create("2026-13-45T99:99:99Z"), JsonValue.Create("9999-12-31T23:59:59+14:00"),
        JsonValue.Create("0001-01-01T00:00:00Z"), JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(long.MaxValue),
        JsonValue.Create(long.MinValue), JsonValue.Create(1.5), JsonValue.Create(1e300), JsonValue.Create(true), JsonValue.Create(false),
        new JsonArray(), new JsonArray(1, 2), new JsonObject(), new JsonObject { ["$ref"] = "x" },
    ];

    private static readonly string[] RawBodies =
    [
        "", "{", "}", "[", "null", "true", "0", "\"text\"", "{\"a\":}", "{'memberId':'x'}", "{\"memberId\":\"x\",}", "\uFEFF{}",
        "{\"memberId\":\"a\",\"memberId\":\"b\"}", new string('[', 5000) + new string(']', 5000), "{\"x\":" + new string('9', 400) + "}",
        "{\"amountFen\":9223372036854775808}", "{\"amountFen\":-9223372036854775809}", "{\"registeredAt\":1e400}",
        "\u0000\u0001\u0002", "{\"memberId\":\"\\ud800\"}",
    ];

    private static readonly string[] HostileIds =
    [
        // (%00 is not here: Kestrel refuses a NUL in the path with 400 before the app, and the in-memory test client throws on it.)
        "..%2F..%2Fetc", "ｒｏｏｔ", "root%E2%80%8B", "ROOT", "-1", "0", "9223372036854775808", "1e9", "%20",
        "%E2%80%AEroot", "%F0%9F%98%80", new string('a', 3000), "root%3Bdrop", "%C0%AF", "x'--",
    ];

    private static Dictionary<string, JsonObject> ValidBodies(string member) => new()
    {
        ["api/v1/members"] = new() { ["memberId"] = member, ["referrerId"] = "root", ["displayName"] = "n", ["phone"] = "13812345678", ["registeredAt"] = T0.AddMinutes(5) },
        ["api/v1/orders"] = new() { ["orderId"] = "o" + member, ["memberId"] = "root", ["kind"] = "pack", ["packCode"] = "GP499", ["paidAt"] = T0.AddMinutes(6) },
        ["api/v1/orders/{orderId}/refund"] = new() { ["refundedAt"] = T0.AddMinutes(7) },
        ["api/v1/members/{memberId}/payout-account"] = new() { ["accountName"] = "张三", ["bankName"] = "ICBC", ["accountNo"] = "6222020200112233445" },
        ["api/v1/packs/{code}"] = new() { ["merchantCode"] = "M1", ["name"] = "n", ["priceFen"] = 49900, ["costFen"] = 17900, ["stock"] = 5, ["active"] = true },
    };

    [Fact]
    public async Task Hostile_api_input_gets_a_4xx_problem_never_a_500_and_refusals_change_nothing()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["Api:RateLimit:PermitsPerMinute"] = "1000000" });
        using var client = await host.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("root", null, T0);

        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .Where(e => e.RoutePattern.RawText!.TrimStart('/') != StorefrontEndpoints.OpenApiPath.TrimStart('/'))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Route: e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();
        Assert.True(endpoints.Count >= 8, $"only {endpoints.Count} endpoints");

        var random = new Random(Seed);
        var cases = new List<(string Method, string Url, string? Body, string ContentType)>();
        foreach (var (method, route) in endpoints)
        {
            string Url(string id) => "/" + string.Join('/', route.Split('/').Select(s => s.StartsWith('{') ? id : s));
            var isWrite = method is "POST" or "PUT";
            var valid = isWrite ? ValidBodies("fz" + cases.Count).GetValueOrDefault(route) : null;
            // Hostile ids with a well-formed body (or none).
            if (route.Contains('{'))
                foreach (var id in HostileIds) cases.Add((method, Url(id), valid?.ToJsonString(), "application/json"));
            if (!isWrite)
            {
                foreach (var q in new[] { "?before=-1", "?limit=0", "?limit=100000", "?after=abc", "?before=9223372036854775808", "?limit=1e3&limit=2" })
                    cases.Add((method, Url("root") + q, null, "application/json"));
                continue;
            }
            var target = Url(route.Contains("{code}") ? "GP499" : route.Contains("{orderId}") ? "oroot" : "root");
            foreach (var raw in RawBodies) cases.Add((method, target, raw, "application/json"));
            cases.Add((method, target, new string('x', 70_000), "application/json")); // over Api:MaxBodyBytes
            cases.Add((method, target, "{}", "text/plain"));
            cases.Add((method, target, "{}", "application/x-www-form-urlencoded"));
            if (valid is null) continue;
            // Every field of a well-formed body, replaced by each hostile value; and each field left out.
            foreach (var field in valid.Select(p => p.Key).ToList())
            {
                foreach (var value in Hostile)
                {
                    var body = (JsonObject)valid.DeepClone();
                    body[field] = value?.DeepClone();
                    // Ids of new things are made unique so a well-formed but odd value is a fresh request, not a replay.
                    cases.Add((method, target, body.ToJsonString(), "application/json"));
                }
                var without = (JsonObject)valid.DeepClone();
                without.Remove(field);
                cases.Add((method, target, without.ToJsonString(), "application/json"));
            }
            // Random combinations: one to three fields at once, hostile values, random unicode and boundary numbers.
            var keys = valid.Select(p => p.Key).ToList();
            for (var i = 0; i < 350; i++)
            {
                var body = (JsonObject)valid.DeepClone();
                for (var k = random.Next(1, 4); k > 0; k--)
                    body[keys[random.Next(keys.Count)]] = random.Next(3) switch
                    {
                        0 => Hostile[random.Next(Hostile.Length)]?.DeepClone(),
                        1 => JsonValue.Create(RandomText(random)),
                        _ => JsonValue.Create(Boundaries[random.Next(Boundaries.Length)]),
                    };
                cases.Add((method, target, body.ToJsonString(), "application/json"));
            }
            // Random byte soup, seeded.
            for (var i = 0; i < 20; i++)
            {
                var bytes = new byte[random.Next(1, 300)];
                random.NextBytes(bytes);
                cases.Add((method, target, Encoding.Latin1.GetString(bytes), "application/json"));
            }
        }

        var fingerprint = Fingerprint(host.Database.FilePath);
        int refused = 0, accepted = 0;
        var failures = new List<string>();
        foreach (var (method, url, body, contentType) in cases)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var describe = $"{method} {Cut(url)} {Cut(body)} → {status} {Cut(text)}";
            if (status is >= 200 and < 300)
            {
                accepted++;
                fingerprint = Fingerprint(host.Database.FilePath); // a well-formed odd value; the database moves on from here
                continue;
            }
            refused++;
            if (status is < 400 or >= 500) { failures.Add(describe); continue; }
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || JsonNode.Parse(text)?["status"]?.GetValue<int>() != status)
                failures.Add("not a problem document: " + describe);
            var now = Fingerprint(host.Database.FilePath);
            if (now != fingerprint) { failures.Add("refused but changed the database: " + describe); fingerprint = now; }
        }
        output.WriteLine($"API fuzz: {cases.Count} requests over {endpoints.Count} endpoints (seed {Seed}): {refused} refused with a 4xx problem, {accepted} accepted, {failures.Count} failures");
        Assert.True(cases.Count >= 1500, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n" + string.Join("\n", failures.Take(40)));
    }

    /// <summary>A hash of every row of every table (API keys excepted: last-used moves on every call).</summary>
    private static string Fingerprint(string file) => DatabaseFingerprint.Of(file, "ApiKeys");

    private static readonly long[] Boundaries = [0, 1, -1, 99, 100, 49899, 49900, 49901, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, long.MaxValue, long.MinValue, 1L << 53];

    /// <summary>Random text drawn from ASCII, fullwidth and Cyrillic look-alikes, zero-width and bidi controls, CJK and emoji.</summary>
    private static string RandomText(Random random)
    {
        string[] pool = ["a", "Z", "0", "_", "-", " ", "ｍ", "１", "о", "А", "\u200b", "\u202e", "\ufeff", "链", "动", "😀", "\u0301", "%", "/", "\\", "\""];
        var sb = new StringBuilder();
        for (var n = random.Next(0, random.Next(2) == 0 ? 8 : 90); n > 0; n--) sb.Append(pool[random.Next(pool.Length)]);
        return sb.ToString();
    }

    private static string Cut(string? s) => s is null ? "" : s.Length > 120 ? s[..120] + "…" : s;

    [Fact]
    public async Task Broken_scenario_files_make_replay_exit_1_with_a_message_never_crash()
    {
        var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Replay", "Scenarios", "agent-refund-back-to-member.json"));
        var random = new Random(Seed);
        var files = new List<string>();
        // Truncated at every 25th character, wrong JSON kinds, each value of each event replaced by a hostile one.
        for (var cut = 0; cut < source.Length; cut += 25) files.Add(source[..cut]);
        files.AddRange(["", "null", "[]", "42", "\"x\"", "{}", "{\"packs\":[],\"events\":null}", "{\"packs\":{},\"events\":[]}", new string('[', 3000)]);
        var parsed = JsonNode.Parse(source)!.AsObject();
        var events = parsed["events"]!.AsArray();
        for (var i = 0; i < 120; i++)
        {
            var doc = parsed.DeepClone().AsObject();
            var e = doc["events"]!.AsArray()[random.Next(events.Count)]!.AsObject();
            var key = e.Select(p => p.Key).ElementAt(random.Next(e.Count));
            e[key] = Hostile[random.Next(Hostile.Length)]?.DeepClone();
            files.Add(doc.ToJsonString());
        }
        for (var i = 0; i < 30; i++)
        {
            var doc = parsed.DeepClone().AsObject();
            var pack = doc["packs"]!.AsArray()[0]!.AsObject();
            var key = pack.Select(p => p.Key).ElementAt(random.Next(pack.Count));
            pack[key] = Hostile[random.Next(Hostile.Length)]?.DeepClone();
            files.Add(doc.ToJsonString());
        }

        var folder = Directory.CreateTempSubdirectory("liandong-fuzz-").FullName;
        int ok = 0, bad = 0;
        var failures = new List<string>();
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var path = Path.Combine(folder, $"case{i}.json");
                await File.WriteAllTextAsync(path, files[i]);
                var stdout = new StringWriter();
                var stderr = new StringWriter();
                int code;
                try { code = await CliRunner.RunAsync(["replay", path], stdout, stderr); }
                catch (Exception ex) { failures.Add($"case {i} crashed: {ex.GetType().Name}: {ex.Message} ({Cut(files[i])})"); continue; }
                if (code == CliRunner.Ok) { ok++; JsonNode.Parse(stdout.ToString()); continue; }
                bad++;
                if (code != CliRunner.BadInput || stderr.ToString().Trim().Length == 0 || stdout.ToString().Length > 0)
                    failures.Add($"case {i}: exit {code}, stderr \"{Cut(stderr.ToString())}\" ({Cut(files[i])})");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
        output.WriteLine($"replay fuzz: {files.Count} files (seed {Seed}): {bad} refused with exit 1 and a message, {ok} ran, {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} files failed:\n" + string.Join("\n", failures.Take(40)));
    }
}
