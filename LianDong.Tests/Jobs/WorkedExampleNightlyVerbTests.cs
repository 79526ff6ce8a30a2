using System.Text.Json;
using LianDong.Console.Cli;
using LianDong.Console.Cli.Replay;
using LianDong.Domain.Ledger;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Jobs;

/// <summary>
/// The rule book's worked example with its nightly run done by the <c>nightly</c> verb on the console's database
/// gives the same balances, entries and fund as <c>replay</c>. (The storefront-API half of this check — the events sent
/// over HTTP — belongs with the API tests.)
/// </summary>
public class WorkedExampleNightlyVerbTests
{
    [Fact]
    public async Task The_worked_example_settled_by_the_nightly_verb_matches_replay()
    {
        var file = ScenarioFiles.WorkedExample;
        var replay = await ReplayHarness.RunFileAsync(file);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        var expected = replay.Json;

        ReplayScenario scenario;
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(file))) scenario = ReplayScenario.Parse(doc.RootElement);
        await using var h = await EngineTestHost.CreateAsync(); // default rules from 2026-01-01, GP499 49900/17900
        var nightlies = 0;
        foreach (var ev in scenario.Events)
        {
            if (ev.NightlyDate is { } date)
            {
                var (stdout, stderr) = (new StringWriter(), new StringWriter());
                var code = await CliRunner.RunAsync(["nightly", "--date", date.ToString("yyyy-MM-dd"), $"--ConnectionStrings:Default=Data Source={h.DbPath}"], stdout, stderr);
                Assert.True(code == CliRunner.Ok, stderr.ToString());
                Assert.Contains($"{date:yyyy-MM-dd} completed", stdout.ToString());
                nightlies++;
            }
            else await h.At(ev.StandsAt, ev.Engine!);
        }
        Assert.Equal(1, nightlies);

        foreach (var (name, member) in expected["members"]!.AsObject())
        {
            var b = await h.Ledger.GetBalancesAsync(await h.IdOf(name));
            Assert.Equal((long)member!["pendingFen"]!, b.PendingFen);
            Assert.Equal((long)member["frozenFen"]!, b.FrozenFen);
            Assert.Equal((long)member["availableFen"]!, b.AvailableFen);
            Assert.Equal((long)member["paidFen"]!, b.PaidFen);
        }
        Assert.Equal(92000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).AvailableFen);
        Assert.Equal(44000, (await h.Ledger.GetBalancesAsync(await h.IdOf("D"))).AvailableFen);
        Assert.Equal(6000, (await h.Ledger.GetBalancesAsync(await h.IdOf("D"))).FrozenFen);

        await using var db = await h.Db.CreateDbContextAsync();
        var names = await db.Members.ToDictionaryAsync(m => m.Id, m => m.ExternalId);
        var orders = await db.Orders.ToDictionaryAsync(o => o.Id, o => o.ExternalId);
        var entries = (await db.LedgerEntries.AsNoTracking().ToListAsync())
            .Select(e => $"{(e.OrderId is long o ? orders[o] : "")}|{names[e.BeneficiaryId]}|{e.Kind}|{e.AmountFen}|{e.Status}").Order().ToList();
        Assert.Equal(ReplayHarness.EntryKeys(expected), entries);
        Assert.Equal((long)expected["supportFundFen"]!, await db.SupportFundMovements.SumAsync(m => m.AmountFen));
    }
}
