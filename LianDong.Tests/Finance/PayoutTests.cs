using LianDong.Domain.Ledger;
using LianDong.Domain.Payouts;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Finance;

public class PayoutTests
{
    [Fact]
    public async Task Preview_pays_members_with_an_account_and_lists_the_others_with_the_reason()
    {
        await using var h = await FinanceScenario.CreateAsync("A");
        var preview = await h.Get<PayoutService>().PreviewAsync();
        var a = Assert.Single(preview.Included);
        Assert.Equal(("A", 92000L), (a.MemberExternalId, a.AmountFen));
        Assert.Equal("****5678", a.MaskedAccountNo);
        var d = Assert.Single(preview.Excluded);
        Assert.Equal("D", d.MemberExternalId);
        Assert.Contains("No payout account", d.Reason);
        Assert.Equal(1000, preview.MinPayoutFen);
    }

    [Fact]
    public async Task A_member_below_the_minimum_payout_is_left_out()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        await h.RuleSets.PublishAsync(LianDong.Domain.Rules.RuleParameters.Defaults with { MinPayoutFen = 50000 }, h.Clock.Now.AddMinutes(1), "test");
        h.Clock.Now = h.Clock.Now.AddMinutes(2);
        var preview = await h.Get<PayoutService>().PreviewAsync();
        Assert.Equal(["A"], preview.Included.Select(c => c.MemberExternalId));
        Assert.Contains("below the minimum payout ¥500.00", Assert.Single(preview.Excluded).Reason);
    }

    [Fact]
    public async Task Only_a_second_person_can_approve_and_approval_moves_available_to_paid()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        Assert.Equal((2, 136000L), (batch.LineCount, batch.TotalFen));
        var a = await h.IdOf("A");
        Assert.Equal(92000, (await h.Ledger.GetBalancesAsync(a)).AvailableFen); // building moves no money

        var refused = await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ApproveAsync(batch.Id, "FIN1@test"));
        Assert.Contains("second finance user or an admin", refused.Message);
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.RecordExportAsync(batch.Id, "fin1@test")); // not approved: no bank file

        await payouts.ApproveAsync(batch.Id, "fin2@test");
        var balances = await h.Ledger.GetBalancesAsync(a);
        Assert.Equal((0L, 92000L), (balances.AvailableFen, balances.PaidFen));
        Assert.Equal(PayoutBatchStatus.Approved, (await payouts.GetBatchAsync(batch.Id))!.Status);
        await using var db = await h.Db.CreateDbContextAsync();
        // The refused self-approval and bank file are audited too.
        Assert.Equal(["payout.create", "payout.refused", "payout.refused", "payout.approve"], await db.AuditLog.Where(x => x.Action.StartsWith("payout.")).OrderBy(x => x.Id).Select(x => x.Action).ToListAsync());
        // A member in a batch is never in a second one: nothing is left to pay.
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.BuildAsync("fin1@test"));
    }

    [Fact]
    public async Task A_payout_of_more_lines_than_one_chunk_pays_each_member_exactly_their_available_entries()
    {
        // 2,100 agents, each with one buyer under them (day 9): 2,100 members with a direct reward, Available by day 18.
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        const int Agents = 2_100;
        var at = LianDong.Domain.Engine.PlatformTime.EndOfLocalDay(FinanceScenario.Day8).AddHours(2);
        var events = new List<LianDong.Domain.Engine.EngineEvent>();
        for (var i = 0; i < Agents; i++)
        {
            events.Add(new LianDong.Domain.Engine.RegisterMember($"P{i}", "A", at));
            events.Add(new LianDong.Domain.Engine.PayPackOrder($"oP{i}", $"P{i}", "GP499", at.AddMinutes(1)));
            events.Add(new LianDong.Domain.Engine.RegisterMember($"Q{i}", $"P{i}", at.AddMinutes(2)));
            events.Add(new LianDong.Domain.Engine.PayPackOrder($"oQ{i}", $"Q{i}", "GP499", at.AddMinutes(3)));
        }
        h.Clock.Now = at.AddMinutes(4);
        foreach (var chunk in events.Chunk(400)) await h.Engine.ApplyBatchAsync(chunk);
        await h.NightlyAsync(FinanceScenario.Day8.AddDays(10));
        for (var i = 0; i < Agents; i++) await h.PayoutAccounts.SetAsync($"P{i}", $"王{i}", "建设银行", $"6217{i:D12}", "test");

        await using var db = await h.Db.CreateDbContextAsync();
        var available = await db.LedgerEntries.AsNoTracking().Where(e => e.Status == EntryStatus.Available)
            .Select(e => new { e.Id, e.BeneficiaryId, e.AmountFen }).ToListAsync();
        var preview = await h.Get<PayoutService>().PreviewAsync();
        Assert.True(preview.Included.Count > Agents, $"{preview.Included.Count} members included");
        var included = preview.Included.Select(c => c.MemberId).ToHashSet();

        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        Assert.Equal((preview.Included.Count, preview.TotalFen), (batch.LineCount, batch.TotalFen));
        var lines = await db.PayoutLines.AsNoTracking().Where(l => l.BatchId == batch.Id).OrderBy(l => l.Id).ToListAsync();
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(n => $"{batch.Reference}-{n:D6}"), lines.Select(l => l.Reference));
        Assert.Equal(preview.Included.Select(c => (c.MemberId, c.AmountFen)), lines.Select(l => (l.MemberId, l.AmountFen)));
        // The console's grid reads one page at a time, in member order (= the order the lines were numbered in).
        var page = await payouts.GetLinesPageAsync(batch.Id, 2_000, 50);
        Assert.Equal(lines.Skip(2_000).Take(50).Select(l => l.Reference), page.Select(l => l.Reference));
        var last = await payouts.GetLinesPageAsync(batch.Id, lines.Count - 3, 50);
        Assert.Equal(lines.TakeLast(3).Select(l => l.Reference), last.Select(l => l.Reference));
        var lineOf = lines.ToDictionary(l => l.Id, l => l.MemberId);
        var lineEntries = await db.PayoutLineEntries.AsNoTracking().Where(x => lineOf.Keys.Contains(x.LineId)).ToListAsync();
        // Each line holds exactly its member's Available entries, at their amounts.
        Assert.Equal(available.Where(e => included.Contains(e.BeneficiaryId)).Select(e => (e.BeneficiaryId, e.Id, e.AmountFen)).Order(),
            lineEntries.Select(x => (lineOf[x.LineId], x.EntryId, x.AmountFen)).Order());

        await payouts.ApproveAsync(batch.Id, "fin2@test");
        var paidIds = lineEntries.Select(x => x.EntryId).ToHashSet();
        var after = await db.LedgerEntries.AsNoTracking().Where(e => paidIds.Contains(e.Id)).Select(e => e.Status).Distinct().ToListAsync();
        Assert.Equal([EntryStatus.Paid], after);
        var changes = await db.LedgerStatusChanges.AsNoTracking().Where(c => c.ToStatus == EntryStatus.Paid).ToListAsync();
        Assert.Equal(paidIds.Order(), changes.Select(c => c.EntryId).Order());
        Assert.All(changes, c => Assert.Equal((EntryStatus.Available, "fin2@test", h.Clock.Now), (c.FromStatus, c.Actor, c.At)));
        Assert.Contains($"entries={paidIds.Count}", (await db.AuditLog.SingleAsync(x => x.Action == "payout.approve")).NewValue);
        foreach (var m in new[] { included.First(), included.Last() })
            Assert.Equal(0, (await h.Ledger.GetBalancesAsync(m)).AvailableFen);
    }

    [Fact]
    public async Task Concurrent_approvals_pay_once()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            try { await payouts.ApproveAsync(batch.Id, $"approver{i}@test"); return true; }
            catch (PayoutRuleException) { return false; }
        })));
        Assert.Equal(1, results.Count(ok => ok));
        Assert.Equal(92000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).PaidFen);
        Assert.Equal(44000, (await h.Ledger.GetBalancesAsync(await h.IdOf("D"))).PaidFen);
        await using var db = await h.Db.CreateDbContextAsync();
        Assert.Equal(14, await db.LedgerStatusChanges.CountAsync(c => c.ToStatus == EntryStatus.Paid));
        Assert.Equal(1, await db.AuditLog.CountAsync(x => x.Action == "payout.approve"));
    }

    [Fact]
    public async Task Two_batches_built_from_the_same_entries_cannot_both_be_approved()
    {
        await using var h = await FinanceScenario.CreateAsync("A");
        var payouts = h.Get<PayoutService>();
        var first = await payouts.BuildAsync("fin1@test");
        // A second batch leaves A out while the first waits for approval.
        await h.Get<PayoutAccountService>().SetAsync("D", "李四", "建设银行", "6227001234567890", "test");
        var second = await payouts.BuildAsync("fin1@test");
        Assert.Equal(["D"], (await payouts.GetLinesAsync(second.Id)).Select(l => l.MemberExternalId));
        await payouts.ApproveAsync(first.Id, "fin2@test");
        await payouts.ApproveAsync(second.Id, "fin2@test");
        Assert.Equal(92000, (await h.Ledger.GetBalancesAsync(await h.IdOf("A"))).PaidFen);
    }

    [Fact]
    public async Task A_clawback_after_the_build_stops_the_approval_so_a_member_is_never_paid_more_than_they_have()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        // B's order is refunded: A's settled direct reward for it gets a Clawback (Available, negative).
        await h.At(h.Clock.Now.AddMinutes(1), new LianDong.Domain.Engine.RefundOrder("oB", h.Clock.Now.AddMinutes(1)));
        var a = await h.IdOf("A");
        var refused = await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ApproveAsync(batch.Id, "fin2@test"));
        Assert.Contains("more than they have", refused.Message);
        Assert.Equal(92000 - 10000, (await h.Ledger.GetBalancesAsync(a)).AvailableFen); // nothing moved
        Assert.Equal(PayoutBatchStatus.Created, (await payouts.GetBatchAsync(batch.Id))!.Status);

        Assert.Contains("Already in batch", Assert.Single((await payouts.PreviewAsync()).Excluded, x => x.MemberExternalId == "A").Reason);
        await payouts.CancelAsync(batch.Id, "fin1@test");
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ApproveAsync(batch.Id, "fin2@test"));
        var next = await payouts.BuildAsync("fin1@test");
        Assert.Equal(82000, (await payouts.GetLinesAsync(next.Id)).Single(l => l.MemberExternalId == "A").AmountFen);
        await payouts.ApproveAsync(next.Id, "fin2@test");
        var balances = await h.Ledger.GetBalancesAsync(a);
        Assert.Equal((0L, 82000L), (balances.AvailableFen, balances.PaidFen)); // the clawback is paid out with the rest
    }

    [Fact]
    public async Task A_failed_line_returns_the_money_to_available_and_a_paid_line_keeps_it_paid()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        await payouts.ApproveAsync(batch.Id, "admin@test");
        await payouts.RecordExportAsync(batch.Id, "fin1@test"); // lines are marked once the bank file is made
        var lines = await payouts.GetLinesAsync(batch.Id);
        var lineA = lines.Single(l => l.MemberExternalId == "A");
        var lineD = lines.Single(l => l.MemberExternalId == "D");
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ResolveLineAsync(lineD.Id, false, " ", "fin1@test")); // a reason is required
        await payouts.ResolveLineAsync(lineA.Id, true, null, "fin1@test");
        await payouts.ResolveLineAsync(lineD.Id, false, "账号不存在 account closed", "fin1@test");
        await Assert.ThrowsAsync<PayoutRuleException>(() => payouts.ResolveLineAsync(lineD.Id, false, "again", "fin1@test"));

        Assert.Equal((0L, 92000L), ((await h.Ledger.GetBalancesAsync(lineA.MemberId)).AvailableFen, (await h.Ledger.GetBalancesAsync(lineA.MemberId)).PaidFen));
        var d = await h.Ledger.GetBalancesAsync(lineD.MemberId);
        Assert.Equal((44000L, 0L), (d.AvailableFen, d.PaidFen));
        Assert.Equal(PayoutBatchStatus.Closed, (await payouts.GetBatchAsync(batch.Id))!.Status);
        // D can be paid again in the next batch.
        var next = await payouts.BuildAsync("fin1@test");
        Assert.Equal(44000, next.TotalFen);
    }

    [Fact]
    public async Task A_result_file_with_bad_rows_is_refused_whole_with_clear_errors()
    {
        await using var h = await FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        await payouts.ApproveAsync(batch.Id, "fin2@test");
        await payouts.RecordExportAsync(batch.Id, "fin1@test");
        var lines = await payouts.GetLinesAsync(batch.Id);
        var (a, d) = (lines.Single(l => l.MemberExternalId == "A"), lines.Single(l => l.MemberExternalId == "D"));

        var bad = $"""
            reference,amount,result,reason
            {a.Reference},920.00,paid,
            {d.Reference},440.01,failed,closed
            PB999999-000001,1.00,paid,
            {a.Reference},920.00,paid,
            X,12.345,paid,
            Y,1.00,maybe,
            """;
        var errors = (await payouts.ImportResultAsync(batch.Id, new StringReader(bad), "fin1@test")).Errors;
        Assert.Contains(errors, e => e.StartsWith("line 3:") && e.Contains("amount ¥440.01 differs from the batch's ¥440.00"));
        Assert.Contains(errors, e => e.StartsWith("line 4:") && e.Contains("is not a line of"));
        Assert.Contains(errors, e => e.StartsWith("line 5:") && e.Contains("appears twice"));
        Assert.Contains(errors, e => e.StartsWith("line 6:") && e.Contains("12.345"));
        Assert.Contains(errors, e => e.StartsWith("line 7:") && e.Contains("maybe"));
        Assert.All(await payouts.GetLinesAsync(batch.Id), l => Assert.Equal(PayoutLineStatus.Pending, l.Status)); // nothing applied
        Assert.Equal(0, (await h.Ledger.GetBalancesAsync(d.MemberId)).AvailableFen);

        var good = $"reference,amount,result,reason\n{a.Reference},920.00,成功,\n{d.Reference},440.00,失败,户名不符 name mismatch\n";
        var applied = await payouts.ImportResultAsync(batch.Id, new StringReader(good), "fin1@test");
        Assert.Empty(applied.Errors);
        Assert.Equal((1, 92000L, 1, 44000L, 0, true), (applied.PaidLines, applied.PaidFen, applied.FailedLines, applied.FailedFen, applied.StillPending, applied.Closed));
        var after = await payouts.GetLinesAsync(batch.Id);
        Assert.Equal(PayoutLineStatus.Paid, after.Single(l => l.Id == a.Id).Status);
        Assert.Equal("户名不符 name mismatch", after.Single(l => l.Id == d.Id).FailureReason);
        Assert.Equal(44000, (await h.Ledger.GetBalancesAsync(d.MemberId)).AvailableFen);
        // The same file again: every line is already resolved, nothing changes.
        var again = await payouts.ImportResultAsync(batch.Id, new StringReader(good), "fin1@test");
        Assert.False(again.Applied);
        Assert.Contains(again.Errors, e => e.Contains("closed"));
        Assert.Contains(again.Errors, e => e.Contains("already"));
    }

    [Fact]
    public void The_result_file_parser_rejects_a_wrong_header()
    {
        var parsed = PayoutResultFile.Parse(new StringReader("ref,amt\nPB000001-000001,1.00,paid"));
        Assert.Empty(parsed.Rows);
        Assert.StartsWith("line 1: header must be", Assert.Single(parsed.Errors));
    }
}
