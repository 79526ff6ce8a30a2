using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Reliability;

/// <summary>
/// Issue 8, crash safety during ingest: the real console process takes storefront writes from many concurrent clients
/// and is killed with SIGKILL at random moments (seeded), then started again on the same file. Nothing answered 2xx
/// may be lost or applied twice, every request sent again must answer 2xx, and the end state must equal a clean serial
/// application of the same events. Only the API's public contract is relied on: a 2xx answer means committed.
/// </summary>
[Collection(CrashTestsCollection.Name)]
public class KillDuringIngestTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;
    private const int Writers = 32;
    private const int StepsPerWriter = 18;
    private const int Kills = 4;
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>One storefront request and the engine event it stands for.</summary>
    private sealed record Step(int Writer, string What, string Id, string Url, object Body, EngineEvent Event);

    private sealed record Answer(Step Step, int Status, JsonNode? Body);

    [Fact]
    public async Task Killing_the_console_under_concurrent_writes_loses_nothing_acknowledged_and_applies_nothing_twice()
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {line}");
        var rng = new Random(Seed);
        var plan = Enumerable.Range(0, Writers).Select(w => PlanWriter(w, new Random(rng.Next()))).ToList();
        var allSteps = plan.SelectMany(p => p).ToList();

        // The same events applied one by one, in each writer's order, in this process on a fresh database of the same
        // set-up: the state a clean serial application gives. It does not depend on the crash run, so it runs beside it.
        var serialReference = Task.Run(async () =>
        {
            var reference = await EngineTestHost.CreateAsync();
            foreach (var step in allSteps) await reference.At(step.Event.At, step.Event);
            return reference;
        });

        var clients = new List<HttpClient>();
        var folder = Directory.CreateTempSubdirectory("liandong-crash-ingest-").FullName;
        var dbFile = Path.Combine(folder, "liandong.db");
        await using var crashDb = await EngineTestHost.CreateAtAsync(dbFile); // merchant M1, default rules, pack GP499 on
        try
        {
            var created = await ConsoleProcess.RunAsync(folder, new Dictionary<string, string>(), "api-key", "create", "--name", "crash test",
                $"--ConnectionStrings:Default=Data Source={dbFile}");
            Assert.True(created.ExitCode == 0, created.StdErr);
            var key = created.StdOut.Trim();
            var settings = new Dictionary<string, string> { ["Api:RateLimit:PermitsPerMinute"] = "1000000" };

            var acknowledged = new ConcurrentQueue<Answer>();
            var inFlightAtKill = new ConcurrentQueue<Step>();
            var requests = 0;
            var rounds = new RoundGate();
            var writers = plan.Select(steps => Task.Run(async () =>
            {
                var round = await rounds.NextAfterAsync(0);
                var pos = 0;
                while (round is not null && pos < steps.Count)
                {
                    var step = steps[pos];
                    Interlocked.Increment(ref requests);
                    (int Status, JsonNode? Body) answer;
                    try
                    {
                        answer = await SendAsync(round.Client, step);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        // The process died under this request: it may or may not have committed. Wait for the restart
                        // and send the same request again (the writer keeps its order, as a storefront's retry would).
                        inFlightAtKill.Enqueue(step);
                        round = await rounds.NextAfterAsync(round.Number);
                        continue;
                    }
                    Assert.True(answer.Status is 200 or 201, $"{step.What} {step.Id}: {answer.Status} {answer.Body?.ToJsonString()}");
                    acknowledged.Enqueue(new Answer(step, answer.Status, answer.Body));
                    pos++;
                }
            })).ToList();

            // Kill points: seeded counts of acknowledged requests spread over the run, then a seeded extra delay.
            for (var k = 1; k <= Kills; k++)
            {
                await using var server = await ConsoleServerProcess.StartAsync(dbFile, settings);
                if (k > 1) await CheckAfterRestartAsync(crashDb, dbFile, acknowledged.ToList());
                Log($"console {k} (pid {server.ProcessId}) listening on {server.BaseAddress}; checks passed");
                clients.Add(NewClient(server.BaseAddress, key));
                rounds.Start(new Round(k, clients[^1]));
                var target = Math.Max(acknowledged.Count + 20, (int)(allSteps.Count * (0.1 + 0.75 * (k - 1 + rng.NextDouble()) / Kills)));
                while (acknowledged.Count < target && writers.Any(w => !w.IsCompleted)) await Task.Delay(5);
                foreach (var failed in writers.Where(w => w.IsFaulted)) await failed; // a writer's assertion failed: report it
                await Task.Delay(rng.Next(0, 150));
                var ackedBefore = acknowledged.Count;
                await server.KillAsync();
                Log($"kill {k}: pid {server.ProcessId} after {ackedBefore} acknowledged");
            }

            // Last restart: check, then let the writers go and send every request again, in each writer's order.
            await using var last = await ConsoleServerProcess.StartAsync(dbFile, settings);
            var acked = acknowledged.ToList();
            await CheckAfterRestartAsync(crashDb, dbFile, acked);
            Log($"console {Kills + 1} (pid {last.ProcessId}) restarted; checks passed");
            rounds.Close();
            await Task.WhenAll(writers);
            clients.Add(NewClient(last.BaseAddress, key));
            var client = clients[^1];
            var resent = await Task.WhenAll(plan.Select(async steps =>
            {
                var answers = new List<Answer>();
                foreach (var step in steps)
                {
                    var (status, body) = await SendAsync(client, step);
                    answers.Add(new Answer(step, status, body));
                }
                return answers;
            }));
            var again = resent.SelectMany(a => a).ToList();
            var bad = again.Where(a => a.Status is not (200 or 201)).Select(a => $"{a.Step.What} {a.Step.Id}: {a.Status} {a.Body?.ToJsonString()}").ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad.Take(10)));

            // Everything acknowledged before was there already: the second delivery is 200 with the first answer.
            var ackedIds = acked.Select(a => a.Step).ToHashSet();
            var lost = again.Where(a => ackedIds.Contains(a.Step) && a.Status != 200).Select(a => $"{a.Step.What} {a.Step.Id}").ToList();
            Assert.True(lost.Count == 0, "acknowledged but applied anew: " + string.Join(", ", lost.Take(10)));
            foreach (var first in acked.Where(a => a.Status == 201 && a.Step.What is "pack" or "retail"))
            {
                var replay = again.First(a => a.Step == first.Step);
                Assert.Equal(EntryIds(first.Body), EntryIds(replay.Body));
            }
            await CheckAfterRestartAsync(crashDb, dbFile, again);
            Log($"all {again.Count} requests sent again and checked");

            var reference = await serialReference;
            Log("serial reference applied");
            List<string> expected, actual;
            await using (var db = await reference.Db.CreateDbContextAsync()) expected = await DatabaseState.EngineFingerprintAsync(db);
            await using (var db = await crashDb.Db.CreateDbContextAsync()) actual = await DatabaseState.EngineFingerprintAsync(db);
            Assert.True(expected.Count > allSteps.Count, "the reference state is too small to mean anything");
            var diff = DatabaseState.Difference(expected, actual);
            Assert.True(diff.Length == 0, "the crashed database differs from a clean serial application:\n" + diff);

            // A request cut off by a kill was sent again: 200 says the killed process had committed it (only the answer
            // was lost), 201 that it had not.
            var inFlight = inFlightAtKill.Distinct().ToList();
            var retryAnswers = inFlight.Select(s => acked.FirstOrDefault(a => a.Step == s) ?? again.First(a => a.Step == s)).ToList();
            var figures = $"{Writers} writers, {allSteps.Count} distinct requests, {Kills} kills; {requests} requests sent under load, " +
                $"{acked.Count} acknowledged (2xx) before the last kill, {inFlight.Count} cut off by a kill (sent again: " +
                $"{retryAnswers.Count(a => a.Status == 200)} had committed, {retryAnswers.Count(a => a.Status == 201)} had not); " +
                $"{again.Count} re-sent at the end: {again.Count(a => a.Status == 200)} × 200 already applied, {again.Count(a => a.Status == 201)} × 201; " +
                $"{expected.Count} state lines equal to the serial application; {clock.Elapsed.TotalSeconds:F0} s";
            output.WriteLine(figures);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
            if (serialReference.IsCompletedSuccessfully) await (await serialReference).DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// What must hold right after a restart: the file is sound, every acknowledged registration, order and refund is
    /// there, each acknowledged order has exactly the entries its answer listed, no idempotency key is used twice, and
    /// the cached team counters equal a recount from the tree.
    /// </summary>
    private static async Task CheckAfterRestartAsync(EngineTestHost h, string dbFile, IReadOnlyList<Answer> acked)
    {
        Assert.Equal("ok", await DatabaseState.IntegrityCheckAsync(dbFile));
        await using var db = await h.Db.CreateDbContextAsync();
        var members = (await db.Members.Select(m => m.ExternalId).ToListAsync()).ToHashSet();
        var orders = (await db.Orders.Select(o => new { o.Id, o.ExternalId, Refunded = o.RefundedAt != null }).ToListAsync()).ToDictionary(o => o.ExternalId);
        var entries = (await db.LedgerEntries.Where(e => e.OrderId != null && e.Kind != EntryKind.Clawback).Select(e => new { e.Id, e.OrderId }).ToListAsync())
            .ToLookup(e => e.OrderId!.Value, e => e.Id);
        foreach (var a in acked)
        {
            switch (a.Step.What)
            {
                case "member":
                    Assert.True(members.Contains(a.Step.Id), $"acknowledged member {a.Step.Id} is missing");
                    break;
                case "pack" or "retail":
                    Assert.True(orders.TryGetValue(a.Step.Id, out var order), $"acknowledged order {a.Step.Id} is missing");
                    if (a.Status == 201)
                        Assert.Equal(EntryIds(a.Body), entries[order!.Id].Order().ToList());
                    break;
                case "refund":
                    Assert.True(orders[a.Step.Id].Refunded, $"acknowledged refund of {a.Step.Id} is missing");
                    break;
            }
        }
        Assert.Empty(await DatabaseState.DuplicateIdempotencyKeysAsync(db));
        Assert.Equal(orders.Count, await db.Orders.CountAsync());
        Assert.Equal(members.Count, await db.Members.CountAsync());
        Assert.Empty(await h.Members.VerifyTeamCountersAsync());
    }

    private static List<long> EntryIds(JsonNode? orderAnswer) =>
        orderAnswer!["entries"]!.AsArray().Select(e => (long)e!["entryId"]!).Order().ToList();

    /// <summary>
    /// One writer's requests: its own root and tree (writers never share a referrer, so their events commute and the
    /// serial reference is well defined), members joining under earlier ones with a pack order, retail orders, refunds.
    /// </summary>
    private static List<Step> PlanWriter(int w, Random rng)
    {
        var steps = new List<Step>();
        var members = new List<string>();
        var refundable = new List<string>();
        var at = T0.AddSeconds(w * 7);
        var n = 0;
        void Join(string? referrer)
        {
            var id = $"w{w}m{n++}";
            at = at.AddMinutes(3);
            steps.Add(new Step(w, "member", id, "/api/v1/members", new { memberId = id, referrerId = referrer, registeredAt = at },
                new RegisterMember(id, referrer, at)));
            at = at.AddMinutes(1);
            var order = "o" + id;
            steps.Add(new Step(w, "pack", order, "/api/v1/orders", new { orderId = order, memberId = id, kind = "pack", packCode = "GP499", paidAt = at },
                new PayPackOrder(order, id, "GP499", at)));
            members.Add(id);
            refundable.Add(order);
        }
        Join(null);
        while (steps.Count < StepsPerWriter)
        {
            Join(members[rng.Next(members.Count)]);
            if (rng.NextDouble() < 0.35)
            {
                var buyer = members[rng.Next(members.Count)];
                var order = $"r{w}-{steps.Count}";
                var amount = rng.Next(1_000, 50_000);
                at = at.AddMinutes(2);
                steps.Add(new Step(w, "retail", order, "/api/v1/orders", new { orderId = order, memberId = buyer, kind = "retail", amountFen = amount, paidAt = at },
                    new PayRetailOrder(order, buyer, amount, at)));
                refundable.Add(order);
            }
            if (rng.NextDouble() < 0.2 && refundable.Count > 2)
            {
                var order = refundable[rng.Next(refundable.Count)];
                refundable.Remove(order);
                at = at.AddMinutes(2);
                steps.Add(new Step(w, "refund", order, $"/api/v1/orders/{order}/refund", new { refundedAt = at }, new RefundOrder(order, at)));
            }
        }
        return steps;
    }

    private static async Task<(int Status, JsonNode? Body)> SendAsync(HttpClient client, Step step)
    {
        using var response = await client.PostAsync(step.Url, System.Net.Http.Json.JsonContent.Create(step.Body));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static HttpClient NewClient(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private sealed record Round(int Number, HttpClient Client);

    /// <summary>Hands writers the running console (a round); a writer whose console died waits for the next one.</summary>
    private sealed class RoundGate
    {
        private readonly object _lock = new();
        private Round? _current;
        private bool _closed;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Start(Round round) => Set(() => _current = round);
        public void Close() => Set(() => _closed = true);

        private void Set(Action change)
        {
            TaskCompletionSource fire;
            lock (_lock)
            {
                change();
                fire = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            fire.SetResult();
        }

        /// <summary>The first round numbered above <paramref name="number"/>, or null once the rounds are over.</summary>
        public async Task<Round?> NextAfterAsync(int number)
        {
            while (true)
            {
                Task wait;
                lock (_lock)
                {
                    if (_closed) return null;
                    if (_current is { } r && r.Number > number) return r;
                    wait = _changed.Task;
                }
                await wait;
            }
        }
    }
}
