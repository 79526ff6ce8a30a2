using System.Globalization;
using System.Text;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Payouts;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Reliability;

/// <summary>
/// Issue 8, parallel payout approvals, on a real SQLite file: every round two finance users build at once, three
/// people approve the same batch at once while a refund of an order in it comes in, and then two bank result
/// imports race two people marking the same line by hand. Over all rounds no entry is paid twice, every
/// Available → Paid move belongs to exactly one approved line, and the audit rows match what happened.
/// </summary>
public class RacesPayoutTests(ITestOutputHelper output)
{
    private const int Rounds = 16;

    /// <summary>Starts every action on its own thread, all released at once, in an order that changes per round.</summary>
    private static async Task<T[]> AtOnceAsync<T>(Random random, params Func<Task<T>>[] actions)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = actions.Select((a, i) => (a, i)).OrderBy(_ => random.Next()).ToList();
        var tasks = new Task<T>[actions.Length];
        foreach (var (a, i) in order) tasks[i] = Task.Run(async () => { await go.Task; return await a(); });
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Concurrent_builds_approvals_imports_and_refunds_never_pay_an_entry_twice()
    {
        await using var h = await Finance.FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        int approvalsTried = 0, approvalsWon = 0, approvalsRefusedByRefund = 0, buildsTried = 0, buildsWon = 0, importsTried = 0, importsWon = 0,
            manualTried = 0, manualWon = 0, linesPaid = 0, linesFailed = 0;
        var approvedBatches = new List<long>();
        var random = new Random(20261122);

        // Round 0 pays the worked example's balances; each later round adds two new members' rewards first.
        for (var round = 0; round < Rounds; round++)
        {
            DateOnly nightly;
            if (round == 0) nightly = Finance.FinanceScenario.Day8;
            else
            {
                var at = EngineTestHost.Start.AddDays(8 * round).AddHours(1);
                await h.RegisterAndPayAsync($"x{round}a", "A", at);
                await h.RegisterAndPayAsync($"x{round}b", "D", at.AddMinutes(5));
                nightly = DateOnly.FromDateTime(at.UtcDateTime).AddDays(7);
                await h.NightlyAsync(nightly);
            }
            h.Clock.Now = PlatformTime.EndOfLocalDay(nightly).AddHours(1);

            // Two finance users build at once: one batch, the other finds everyone already in it.
            var builds = await AtOnceAsync(random, new[] { "fin1@test", "fin2@test" }.Select(who => (Func<Task<PayoutBatch?>>)(async () =>
            {
                try { return await payouts.BuildAsync(who); }
                catch (PayoutRuleException) { return null; }
            })).ToArray());
            buildsTried += 2;
            var batch = Assert.Single(builds, b => b is not null)!;
            buildsWon++;

            // Three approvers (and the builder) at once, while a refund of one of the batch's orders may come in.
            var approvers = new[] { batch.CreatedBy, "fin3@test", "admin@test", batch.CreatedBy == "fin1@test" ? "fin2@test" : "fin1@test" };
            var refundOrder = round > 0 && round % 2 == 0 ? $"ox{round}b" : null;
            var racers = approvers.Select(who => (Func<Task<(string Who, string? Error)>>)(async () =>
            {
                try { await payouts.ApproveAsync(batch.Id, who); return (who, null); }
                catch (PayoutRuleException e) { return (who, e.Message); }
            })).ToList();
            if (refundOrder is not null)
                racers.Add(async () => { await h.Engine.ApplyAsync(new RefundOrder(refundOrder, h.Clock.Now)); return ("refund", null); });
            var raced = await AtOnceAsync(random, racers.ToArray());
            var approvals = raced.Where(a => a.Who != "refund").ToList();
            approvalsTried += approvers.Length;
            Assert.Contains(approvals, a => a.Who == batch.CreatedBy && a.Error != null);
            var won = approvals.Where(a => a.Error is null).ToList();
            Assert.True(won.Count <= 1, $"round {round}: {won.Count} approvals won");
            if (won.Count == 0)
            {
                // The refund came first: its clawback would pay a member more than they have; nothing moved.
                Assert.Contains(approvals, a => a.Error!.Contains("clawback", StringComparison.Ordinal));
                approvalsRefusedByRefund++;
                await payouts.CancelAsync(batch.Id, "fin1@test");
                var rebuilt = await payouts.BuildAsync("fin1@test");
                await payouts.ApproveAsync(rebuilt.Id, "fin2@test");
                batch = rebuilt;
            }
            else approvalsWon++;
            approvedBatches.Add(batch.Id);

            // Two bank files and two people marking the first line by hand, at once.
            await payouts.RecordExportAsync(batch.Id, "fin1@test");
            var lines = await payouts.GetLinesAsync(batch.Id);
            string Csv(bool failFirst) => PayoutResultFile.Header + "\n" + string.Join("\n", lines.Select((l, i) =>
                $"{l.Reference},{(l.AmountFen / 100m).ToString("0.00", CultureInfo.InvariantCulture)},{(failFirst && i == 0 ? "failed,bank refused" : "paid,")}"));
            Func<Task<bool>> Import(string who, string csv) => async () =>
            {
                // Refused whole: either listed errors (checked before the transaction) or a lost compare-and-set inside it.
                try { return (await payouts.ImportResultAsync(batch.Id, new StringReader(csv), who)).Applied; }
                catch (PayoutRuleException) { return false; }
            };
            Func<Task<bool>> Manual(bool paid, string? reason, string who) => async () =>
            {
                try { await payouts.ResolveLineAsync(lines[0].Id, paid, reason, who); return true; }
                catch (PayoutRuleException) { return false; }
            };
            var marks = await AtOnceAsync(random,
                Import("fin2@test", Csv(failFirst: true)), Import("fin3@test", Csv(failFirst: false)),
                Manual(true, null, "fin1@test"), Manual(false, "bank refused", "admin@test"));
            var importResults = marks[..2];
            var manualResults = marks[2..];
            importsTried += 2; manualTried += 2;
            importsWon += importResults.Count(x => x); manualWon += manualResults.Count(x => x);
            Assert.True(importResults.Count(x => x) + manualResults.Count(x => x) is >= 1 and <= 2, $"round {round}: imports {string.Join(",", importResults)}, manual {string.Join(",", manualResults)}");
            Assert.True(importResults.Count(x => x) <= 1 && manualResults.Count(x => x) <= 1);

            // Lines left pending (an import lost to a manual mark of line 0) are marked paid now.
            foreach (var l in (await payouts.GetLinesAsync(batch.Id)).Where(l => l.Status == PayoutLineStatus.Pending))
                await payouts.ResolveLineAsync(l.Id, true, null, "fin1@test");
            var after = await payouts.GetLinesAsync(batch.Id);
            linesPaid += after.Count(l => l.Status == PayoutLineStatus.Paid);
            linesFailed += after.Count(l => l.Status == PayoutLineStatus.Failed);
            Assert.Equal(PayoutBatchStatus.Closed, (await payouts.GetBatchAsync(batch.Id))!.Status);
            await InvariantChecks.AssertAllAsync(h.DbPath);
        }

        // Every approved batch was approved once (one audit row), every paid entry is in exactly one paid line.
        await using var db = await h.Db.CreateDbContextAsync();
        var approvedRefs = approvedBatches.Select(id => $"payout:PB{id:D6}").ToList();
        Assert.Equal(approvedBatches.Count, await db.AuditLog.CountAsync(a => a.Action == AuditActions.PayoutApprove));
        Assert.Equal(approvedBatches.Count, await db.AuditLog.Where(a => a.Action == AuditActions.PayoutApprove && approvedRefs.Contains(a.Subject)).Select(a => a.Subject).Distinct().CountAsync());
        var paidFen = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Paid).SumAsync(e => e.AmountFen);
        var paidLinesFen = await db.PayoutLines.Where(l => l.Status == PayoutLineStatus.Paid).SumAsync(l => l.AmountFen);
        Assert.Equal(paidLinesFen, paidFen);
        var figures = await InvariantChecks.AssertAllAsync(h.DbPath);
        output.WriteLine($"payout races: {Rounds} rounds; builds {buildsWon}/{buildsTried} won; approvals {approvalsWon} won of {approvalsTried} tried at once " +
                         $"({approvalsRefusedByRefund} rounds refused whole because a racing refund's clawback came first); imports {importsWon}/{importsTried} and " +
                         $"manual marks {manualWon}/{manualTried} won; {linesPaid} lines paid, {linesFailed} failed (their entries back to Available for a later batch); invariants held over {figures}");
    }
}
