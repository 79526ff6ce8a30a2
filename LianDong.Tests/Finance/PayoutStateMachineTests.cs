using System.Globalization;
using LianDong.Domain.Compliance;
using LianDong.Domain.Ledger;
using LianDong.Domain.Payouts;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace LianDong.Tests.Finance;

/// <summary>
/// Issue 13: a payout batch moves only Created → Approved (by a second person) → Exported → Closed, or Created →
/// Cancelled; Closed and Cancelled are final. Every other attempt is refused with a clear message, changes nothing and
/// is audited. On a real SQLite file.
/// </summary>
public class PayoutStateMachineTests(ITestOutputHelper output)
{
    private static string Csv(IEnumerable<PayoutLineRow> lines, Func<PayoutLineRow, string>? result = null) =>
        PayoutResultFile.Header + "\n" + string.Join("\n", lines.Select(l =>
            $"{l.Reference},{(l.AmountFen / 100m).ToString("0.00", CultureInfo.InvariantCulture)},{(result ?? (_ => "paid,"))(l)}"));

    private static async Task<List<AuditLogEntry>> RefusalsAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        return await db.AuditLog.AsNoTracking().Where(a => a.Action == AuditActions.PayoutRefused).OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task A_cancelled_batch_is_refused_at_every_step_and_its_money_is_offered_once()
    {
        // The reported path: build, cancel (作废), then mark a line paid, import a result, download the bank file.
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        await payouts.CancelAsync(batch.Id, "fin1@test");
        var lines = await payouts.GetLinesAsync(batch.Id);
        var before = DatabaseFingerprint.Of(h.DbPath, "AuditLog", "sqlite_sequence");

        var mark = await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ResolveLineAsync(lines[0].Id, true, null, "fin2@test"));
        Assert.Contains("was cancelled", mark.Message);
        var import = await payouts.ImportResultAsync(batch.Id, new StringReader(Csv(lines)), "fin2@test");
        Assert.False(import.Applied);
        Assert.Contains(import.Errors, e => e.Contains("was cancelled"));
        var export = await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.RecordExportAsync(batch.Id, "fin2@test"));
        Assert.Contains("cannot be sent to the bank", export.Message);
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ApproveAsync(batch.Id, "fin2@test"));
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.CancelAsync(batch.Id, "fin2@test"));

        Assert.Equal(before, DatabaseFingerprint.Of(h.DbPath, "AuditLog", "sqlite_sequence"));
        Assert.Equal(PayoutBatchStatus.Cancelled, (await payouts.GetBatchAsync(batch.Id))!.Status);
        Assert.All(await payouts.GetLinesAsync(batch.Id), l => Assert.Equal(PayoutLineStatus.Pending, l.Status));
        var refusals = await RefusalsAsync(h);
        Assert.Equal(5, refusals.Count);
        Assert.All(refusals, r => Assert.Equal(($"payout:{batch.Reference}", "Cancelled"), (r.Subject, r.OldValue)));
        Assert.Equal(["fin2@test"], refusals.Select(r => r.Actor).Distinct());
        Assert.Contains(refusals, r => r.NewValue!.Contains("mark line") && r.NewValue.Contains("was cancelled"));
        Assert.Contains(refusals, r => r.NewValue!.Contains("import bank result"));
        Assert.Contains(refusals, r => r.NewValue!.Contains("export bank file"));

        // The money was never paid: it is offered again, exactly once, and nobody's entries are Paid.
        var preview = await payouts.PreviewAsync();
        Assert.Equal([("A", 92000L), ("D", 44000L)], preview.Included.Select(c => (c.MemberExternalId, c.AmountFen)));
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.False(await db.LedgerEntries.AnyAsync(e => e.Status == EntryStatus.Paid));
    }

    public static TheoryData<PayoutBatchStatus, PayoutBatchAction> IllegalMoves()
    {
        var data = new TheoryData<PayoutBatchStatus, PayoutBatchAction>();
        foreach (var status in new[] { PayoutBatchStatus.Created, PayoutBatchStatus.Approved, PayoutBatchStatus.Exported, PayoutBatchStatus.Closed, PayoutBatchStatus.Cancelled })
        foreach (var action in new[] { PayoutBatchAction.Approve, PayoutBatchAction.Cancel, PayoutBatchAction.ExportBankFile, PayoutBatchAction.MarkLine, PayoutBatchAction.ImportResult })
            if (!PayoutBatch.AllowedFrom(action).Contains(status)) data.Add(status, action);
        return data;
    }

    [Fact]
    public void The_allowed_moves_are_exactly_the_documented_ones()
    {
        static PayoutBatchStatus[] From(PayoutBatchAction a) => [.. PayoutBatch.AllowedFrom(a)];
        Assert.Equal([PayoutBatchStatus.Created], From(PayoutBatchAction.Approve));
        Assert.Equal([PayoutBatchStatus.Created], From(PayoutBatchAction.Cancel));
        Assert.Equal([PayoutBatchStatus.Approved, PayoutBatchStatus.Exported], From(PayoutBatchAction.ExportBankFile));
        Assert.Equal([PayoutBatchStatus.Exported], From(PayoutBatchAction.MarkLine));
        Assert.Equal([PayoutBatchStatus.Exported], From(PayoutBatchAction.ImportResult));
        Assert.Equal([PayoutBatchStatus.Exported], From(PayoutBatchAction.Close));
        Assert.True(PayoutBatch.IsFinal(PayoutBatchStatus.Closed) && PayoutBatch.IsFinal(PayoutBatchStatus.Cancelled));
        Assert.Equal(25 - 6, IllegalMoves().Count()); // 5 statuses × 5 actions, 6 of them allowed
    }

    /// <summary>Brings a fresh batch to <paramref name="status"/> through the service's own moves.</summary>
    private static async Task<PayoutBatch> BatchInAsync(EngineTestHost h, PayoutBatchStatus status)
    {
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        if (status == PayoutBatchStatus.Cancelled) await payouts.CancelAsync(batch.Id, "fin1@test");
        if (status is PayoutBatchStatus.Approved or PayoutBatchStatus.Exported or PayoutBatchStatus.Closed) await payouts.ApproveAsync(batch.Id, "fin2@test");
        if (status is PayoutBatchStatus.Exported or PayoutBatchStatus.Closed) await payouts.RecordExportAsync(batch.Id, "fin1@test");
        if (status is PayoutBatchStatus.Closed)
            foreach (var l in await payouts.GetLinesAsync(batch.Id)) await payouts.ResolveLineAsync(l.Id, true, null, "fin1@test");
        var now = (await payouts.GetBatchAsync(batch.Id))!;
        Assert.Equal(status, now.Status);
        return now;
    }

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public async Task Every_illegal_move_is_refused_audited_and_changes_nothing(PayoutBatchStatus status, PayoutBatchAction action)
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await BatchInAsync(h, status);
        var line = (await payouts.GetLinesAsync(batch.Id))[0];
        var before = DatabaseFingerprint.Of(h.DbPath, "AuditLog", "sqlite_sequence");
        var refusalsBefore = (await RefusalsAsync(h)).Count;

        string message;
        switch (action)
        {
            case PayoutBatchAction.ImportResult:
                var result = await payouts.ImportResultAsync(batch.Id, new StringReader(Csv([line])), "fin3@test");
                Assert.False(result.Applied);
                message = result.Errors[0];
                break;
            default:
                Func<Task> attempt = action switch
                {
                    PayoutBatchAction.Approve => () => payouts.ApproveAsync(batch.Id, "fin3@test"),
                    PayoutBatchAction.Cancel => () => payouts.CancelAsync(batch.Id, "fin3@test"),
                    PayoutBatchAction.ExportBankFile => () => payouts.RecordExportAsync(batch.Id, "fin3@test"),
                    _ => () => payouts.ResolveLineAsync(line.Id, false, "bank refused", "fin3@test"),
                };
                message = (await Assert.ThrowsAsync<PayoutRuleException>(attempt)).Message;
                break;
        }
        Assert.StartsWith($"{batch.Reference} cannot be", message);
        Assert.Equal(PayoutBatch.WhyNot(batch.Reference, status, action), message);
        Assert.Equal(before, DatabaseFingerprint.Of(h.DbPath, "AuditLog", "sqlite_sequence"));
        var refusal = Assert.Single((await RefusalsAsync(h)).Skip(refusalsBefore));
        Assert.Equal(("fin3@test", $"payout:{batch.Reference}", status.ToString()), (refusal.Actor, refusal.Subject, refusal.OldValue));
        output.WriteLine($"{status} × {action}: {message}");
    }

    [Fact]
    public async Task The_legal_path_is_audited_move_by_move_and_closing_is_a_move_of_its_own()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var batch = await BatchInAsync(h, PayoutBatchStatus.Closed);
        await using var db = await h.Db.CreateDbContextAsync();
        var actions = await db.AuditLog.Where(a => a.Subject == $"payout:{batch.Reference}").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal([AuditActions.PayoutCreate, AuditActions.PayoutApprove, AuditActions.PayoutExport, AuditActions.PayoutClose], actions);
        Assert.Empty(await RefusalsAsync(h));
    }

    /// <summary>
    /// Every round builds a batch, brings it to Created, Approved or Exported, then releases at once: a cancel, an
    /// approval by the builder and one by a second person, two bank-file downloads, two imports (one failing a line), and
    /// marks of the same line paid and failed. Whatever wins, no entry is Paid unless its batch was approved by a second
    /// person, nothing of a cancelled batch is paid or marked, and no Paid entry is offered again.
    /// </summary>
    [Fact]
    public async Task Racing_marks_imports_exports_cancels_and_approvals_never_pay_an_unapproved_batch_or_offer_paid_money_again()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var random = new Random(20261206);
        var outcomes = new Dictionary<PayoutBatchStatus, int>();
        const int Rounds = 12;
        for (var round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                // New money for the round: two new buyers under A and D, settled.
                var at = EngineTestHost.Start.AddDays(8 * round).AddHours(1);
                await h.RegisterAndPayAsync($"r{round}a", "A", at);
                await h.RegisterAndPayAsync($"r{round}b", "D", at.AddMinutes(5));
                var nightly = DateOnly.FromDateTime(at.UtcDateTime).AddDays(7);
                await h.NightlyAsync(nightly);
                h.Clock.Now = LianDong.Domain.Engine.PlatformTime.EndOfLocalDay(nightly).AddHours(1);
            }
            var start = (PayoutBatchStatus)(round % 3); // Created, Approved, Exported
            var batch = await BatchInAsync(h, start);
            var lines = await payouts.GetLinesAsync(batch.Id);

            async Task<bool> Try(Func<Task> a)
            {
                try { await a(); return true; }
                catch (PayoutRuleException) { return false; }
            }
            var actions = new List<Func<Task<bool>>>
            {
                () => Try(() => payouts.CancelAsync(batch.Id, "fin2@test")),
                () => Try(() => payouts.ApproveAsync(batch.Id, "fin1@test")), // the builder: always refused
                () => Try(() => payouts.ApproveAsync(batch.Id, "fin2@test")),
                () => Try(() => payouts.RecordExportAsync(batch.Id, "fin3@test")),
                () => Try(() => payouts.RecordExportAsync(batch.Id, "fin2@test")),
                async () => (await payouts.ImportResultAsync(batch.Id, new StringReader(Csv(lines)), "fin3@test")).Applied,
                async () => (await payouts.ImportResultAsync(batch.Id, new StringReader(Csv(lines, l => l == lines[0] ? "failed,closed account" : "paid,")), "fin2@test")).Applied,
                () => Try(() => payouts.ResolveLineAsync(lines[0].Id, true, null, "fin1@test")),
                () => Try(() => payouts.ResolveLineAsync(lines[0].Id, false, "bank refused", "fin3@test")),
            };
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = actions.OrderBy(_ => random.Next()).Select(a => Task.Run(async () => { await go.Task; return await a(); })).ToList();
            go.SetResult();
            await Task.WhenAll(tasks);
            Assert.False(await actions[1](), "the builder approved its own batch");

            var after = (await payouts.GetBatchAsync(batch.Id))!;
            outcomes[after.Status] = outcomes.GetValueOrDefault(after.Status) + 1;
            var afterLines = await payouts.GetLinesAsync(batch.Id);
            if (after.Status is PayoutBatchStatus.Cancelled or PayoutBatchStatus.Created or PayoutBatchStatus.Approved)
                Assert.All(afterLines, l => Assert.Equal(PayoutLineStatus.Pending, l.Status)); // nothing marked before the bank file
            if (after.Status == PayoutBatchStatus.Cancelled) Assert.Null(after.ApprovedBy);
            // Leave no batch open for the next round.
            if (after.Status == PayoutBatchStatus.Created) await payouts.CancelAsync(batch.Id, "fin1@test");
            if (after.Status == PayoutBatchStatus.Approved) await payouts.RecordExportAsync(batch.Id, "fin1@test");
            foreach (var l in (await payouts.GetLinesAsync(batch.Id)).Where(l => l.Status == PayoutLineStatus.Pending)
                         .Where(_ => after.Status != PayoutBatchStatus.Cancelled && after.Status != PayoutBatchStatus.Created))
                await payouts.ResolveLineAsync(l.Id, true, null, "fin1@test");
            await AssertPaidOnlyThroughApprovedBatchesAsync(h);
        }
        await InvariantChecks.AssertAllAsync(h.DbPath);
        output.WriteLine($"{Rounds} rounds; batch status right after the race: {string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}"))}");
    }

    private static async Task AssertPaidOnlyThroughApprovedBatchesAsync(EngineTestHost h)
    {
        await using var db = await h.Db.CreateDbContextAsync();
        // Each Paid entry belongs to exactly one line that is pending or paid, in a batch approved by someone other than its builder.
        var paid = await db.LedgerEntries.Where(e => e.Status == EntryStatus.Paid).Select(e => new { e.Id, e.AmountFen }).ToListAsync();
        var paying = await (from x in db.PayoutLineEntries
                            join l in db.PayoutLines on x.LineId equals l.Id
                            join b in db.PayoutBatches on l.BatchId equals b.Id
                            where l.Status != PayoutLineStatus.Failed && b.ApprovedBy != null && b.ApprovedBy != b.CreatedBy
                                  && b.Status != PayoutBatchStatus.Cancelled && b.Status != PayoutBatchStatus.Created
                            select x.EntryId).ToListAsync();
        Assert.Equal(paid.Select(p => p.Id).Order(), paying.Order());
        // A paid or failed line only in a batch whose bank file was made.
        Assert.False(await db.PayoutLines.AnyAsync(l => l.Status != PayoutLineStatus.Pending
            && db.PayoutBatches.Any(b => b.Id == l.BatchId && (b.ExportedAt == null || b.Status == PayoutBatchStatus.Cancelled))));
        // What the next batch would offer is each member's Available sum, which holds no Paid entry.
        var preview = await h.Get<PayoutService>().PreviewAsync();
        foreach (var c in preview.Included)
            Assert.Equal(await db.LedgerEntries.Where(e => e.BeneficiaryId == c.MemberId && e.Status == EntryStatus.Available).SumAsync(e => e.AmountFen), c.AmountFen);
    }
}
