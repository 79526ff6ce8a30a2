using System.Diagnostics;
using System.Text.Json.Nodes;
using LianDong.Console.Jobs;
using LianDong.Domain.Ledger;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LianDong.Tests.Reliability;

/// <summary>
/// Issue 8, a nightly run concurrent with ingest: two nightly runners (the page's / CLI's <see cref="NightlyJobRunner"/>)
/// walk business dates while API writers post orders, registrations and refunds dated on those same days (late
/// events, refunds of entries the runs are settling). Afterwards the invariants hold, no entry was settled twice,
/// a rerun posts nothing, and the next date's run settles every late entry that is due.
/// </summary>
public class RacesNightlyTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly D0 = new(2026, 4, 1);
    private const int Days = 10;

    [Fact]
    public async Task Nightly_runs_during_ingest_settle_each_entry_once_and_a_rerun_posts_nothing()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string> { ["Api:RateLimit:PermitsPerMinute"] = "1000000" });
        using var client = await host.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        var before = T0.AddDays(-1);
        await client.JoinAsync("root", null, before);
        for (var r = 1; r <= 3; r++)
        {
            await client.JoinAsync($"R{r}", "root", before.AddMinutes(r));
            await client.JoinAsync($"s{r}a", $"R{r}", before.AddMinutes(10 + r));
            await client.JoinAsync($"s{r}b", $"R{r}", before.AddMinutes(20 + r));
        }
        for (var k = 0; k < 60; k++)
            Assert.Equal(201, (await client.PostAsync("/api/v1/members", new { memberId = $"p{k}", referrerId = $"R{k % 3 + 1}", registeredAt = before.AddHours(1) })).Status);

        // Writers: events dated over ten business days, in random order, while the runs walk those days.
        var random = new Random(20261122);
        var calls = new List<(string Url, JsonObject Body)>();
        for (var k = 0; k < 60; k++)
            calls.Add(("/api/v1/orders", new JsonObject { ["orderId"] = $"op{k}", ["memberId"] = $"p{k}", ["kind"] = "pack", ["packCode"] = "GP499", ["paidAt"] = T0.AddDays(k % Days).AddMinutes(k).ToString("O") }));
        for (var k = 0; k < 30; k++)
            calls.Add(("/api/v1/orders", new JsonObject { ["orderId"] = $"or{k}", ["memberId"] = $"s{k % 3 + 1}a", ["kind"] = "retail", ["amountFen"] = 10000 + k, ["paidAt"] = T0.AddDays(k % Days).ToString("O") }));
        for (var k = 0; k < 30; k++)
        {
            calls.Add(("/api/v1/members", new JsonObject { ["memberId"] = $"n{k}", ["referrerId"] = $"R{k % 3 + 1}", ["registeredAt"] = T0.AddDays(k % Days).ToString("O") }));
            calls.Add(("/api/v1/orders", new JsonObject { ["orderId"] = $"on{k}", ["memberId"] = $"n{k}", ["kind"] = "pack", ["packCode"] = "GP499", ["paidAt"] = T0.AddDays(k % Days).AddHours(1).ToString("O") }));
        }
        // Refunds eight days after payment: some entries are Available by then (clawbacks), some still Pending (cancelled).
        for (var k = 0; k < 20; k++)
            calls.Add(($"/api/v1/orders/op{k}/refund", new JsonObject { ["refundedAt"] = T0.AddDays(k % Days + 8).ToString("O") }));
        calls = calls.OrderBy(_ => random.Next()).ToList();

        var runs = 0;
        var written = 0;
        var writesDone = false;
        async Task Runner(int step, string actor)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<NightlyJobRunner>();
            var dates = Days + 11;
            for (var (d, i) = (D0.AddDays(-1), 0); d <= D0.AddDays(Days + 10); d = d.AddDays(step), i += step)
            {
                // Paced by the writers, so the runs are spread over the whole ingest rather than done before it.
                while (Volatile.Read(ref written) < i * calls.Count / dates && !Volatile.Read(ref writesDone)) await Task.Delay(5);
                await runner.RunByHandAsync(d, actor);
                Interlocked.Increment(ref runs);
            }
        }

        var watch = Stopwatch.StartNew();
        var writes = Task.WhenAll(calls.Select(async c =>
        {
            await Task.Yield();
            var answer = await client.PostAsync(c.Url, c.Body.ToJsonString());
            Interlocked.Increment(ref written);
            return answer;
        }));
        _ = writes.ContinueWith(_ => Volatile.Write(ref writesDone, true), TaskScheduler.Default);
        await Task.WhenAll(Runner(1, "cli:one"), Runner(3, "cli:two"), writes);
        watch.Stop();
        var results = await writes;
        Assert.All(results, r => Assert.True(r.Status is 200 or 201 or 404 or 422, $"{r.Status} {r.Body?.ToJsonString()}"));
        Assert.All(results.Where(r => r.Status >= 400), r => Assert.Equal(r.Status, (int?)r.Body?["status"]));

        var figures = await InvariantChecks.AssertAllAsync(host.Database.FilePath);
        var last = D0.AddDays(Days + 10);
        async Task<(int Entries, int Changes, int Lines, int Fund, int Runs)> Counts()
        {
            await using var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync();
            return (await db.LedgerEntries.CountAsync(), await db.LedgerStatusChanges.CountAsync(), await db.SettlementLines.CountAsync(),
                await db.SupportFundMovements.CountAsync(), await db.NightlyRuns.CountAsync());
        }

        // A rerun of every date posts nothing.
        var settled = await Counts();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var summaries = await scope.ServiceProvider.GetRequiredService<NightlyJobRunner>().RunByHandAsync(last, "cli:rerun");
            Assert.All(summaries, s => Assert.True(s.AlreadyCompleted, $"{s.BusinessDate} ran again"));
        }
        Assert.Equal(settled, await Counts());

        // Late entries (posted for days already run) settle on the next date, once: none due is left Pending.
        var next = last.AddDays(1);
        await using (var scope = host.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<NightlyJobRunner>().RunByHandAsync(next, "cli:next");
        await using (var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
            Assert.Equal(0, await db.LedgerEntries.CountAsync(e => e.Status == EntryStatus.Pending && e.SettlesOn <= next));
        var final = await InvariantChecks.AssertAllAsync(host.Database.FilePath);

        var byStatus = string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}×{g.Key}"));
        output.WriteLine($"nightly during ingest: {calls.Count} API writes at once ({byStatus}) dated over {Days} days, while 2 runners made {runs} " +
                         $"nightly calls over {Days + 11} dates, in {watch.Elapsed.TotalSeconds:N1} s; invariants held over {figures}; rerun of all dates posted nothing; " +
                         $"the next date settled {final.StatusChanges - settled.Changes} late moves; invariants held again");
    }
}
