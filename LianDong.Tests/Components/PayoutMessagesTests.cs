using System.Globalization;
using LianDong.Console.Features.Payouts;
using LianDong.Console.Localization;
using LianDong.Domain.Payouts;

namespace LianDong.Tests.Components;

/// <summary>
/// The payout domain's refusals (written in English for the audit log) reach the user in the user's language: every
/// text the domain writes has its translation, and an unknown text never shows as English.
/// </summary>
public class PayoutMessagesTests
{
    private static T In<T>(string culture, Func<T> f)
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try { return f(); }
        finally { CultureInfo.CurrentUICulture = before; }
    }

    [Theory]
    [InlineData("批次须由另一人审批 PB000003 was built by fin1@test; a second finance user or an admin must approve it",
        "PB000003 由 fin1@test 生成，须由另一位财务或管理员审批。", "PB000003 was built by fin1@test; a second finance user or an admin must approve it.")]
    [InlineData("PB000003 cannot be approved: it was cancelled", "PB000003 不能审批：已作废。", "PB000003 cannot be approved: it was cancelled.")]
    [InlineData("PB000003 cannot be marked paid or failed: its bank file has not been made yet (it changed a moment ago)",
        "PB000003 不能标记已付或失败：尚未导出银行文件。（刚刚有变动）", "PB000003 cannot be marked paid or failed: its bank file has not been made yet. (it changed a moment ago)")]
    [InlineData("没有可提现的会员 No member can be paid out now (see the members left out).", "没有可提现的会员（见未纳入名单）。", "No member can be paid out now (see the members left out).")]
    [InlineData("请填写失败原因 A failed line needs a reason", "请填写失败原因。", "A failed line needs a reason.")]
    [InlineData("a clawback posted since the batch was built would pay member 12 more than they have; nothing was approved — build a new batch",
        "批次生成后有追回入账，会员 12 将被多付，未审批，请生成新批次。", "A clawback posted since the batch was built would pay member 12 more than they have; nothing was approved. Build a new batch.")]
    [InlineData("something the page has never heard of", "操作被拒绝，未做任何更改。", "The action was refused; nothing was changed.")]
    public void Refusals_are_shown_in_the_users_language(string domain, string chinese, string english)
    {
        Assert.Equal(chinese, In(UiCulture.Chinese, () => PayoutMessages.Refusal(domain)));
        Assert.Equal(english, In(UiCulture.English, () => PayoutMessages.Refusal(domain)));
    }

    [Fact]
    public void A_refused_bank_result_names_each_row_and_why()
    {
        string[] errors =
        [
            "PB000002 cannot be given a bank result: it is closed (every line is marked)",
            "line 2: PB000002-000002 amount ¥440.01 differs from the batch's ¥440.00",
            "line 3: reference PB999999-000001 is not a line of PB000002",
            "line 4: PB000002-000001 is already Paid",
            "line 5: amount \"1,000\" is not yuan with at most two decimals",
            "line 6: result \"ok\" must be paid or failed",
            "line 7: PB000002-000003 failed without a reason",
            "line 8: reference PB000002-000002 appears twice",
            "line 1: header must be \"reference,amount,result,reason\", found \"ref,amt\"",
        ];
        var zh = In(UiCulture.Chinese, () => errors.Select(PayoutMessages.Row).ToList());
        Assert.Equal(new RefusedRow(null, "PB000002 不能导入银行结果：已完成（每笔均已标记）。"), zh[0]);
        Assert.Equal(new RefusedRow(2, "PB000002-000002 的金额 ¥440.01 与批次中的 ¥440.00 不符。"), zh[1]);
        Assert.Equal(new RefusedRow(3, "参考号 PB999999-000001 不是 PB000002 的明细。"), zh[2]);
        Assert.Equal(new RefusedRow(4, "PB000002-000001 已是已付状态。"), zh[3]);
        Assert.Equal(new RefusedRow(1, "表头应为“reference,amount,result,reason”，实际为“ref,amt”。"), zh[8]);
        var en = In(UiCulture.English, () => errors.Select(PayoutMessages.Row).ToList());
        Assert.Equal(new RefusedRow(2, "PB000002-000002: amount ¥440.01 differs from the batch's ¥440.00."), en[1]);
        Assert.Equal(new RefusedRow(5, "Amount \"1,000\" is not yuan with at most two decimals."), en[4]);
        Assert.Equal(new RefusedRow(6, "Result \"ok\" must be paid or failed."), en[5]);
        Assert.Equal(new RefusedRow(7, "PB000002-000003 failed without a reason."), en[6]);
        Assert.Equal(new RefusedRow(8, "Reference PB000002-000002 appears twice."), en[7]);
        Assert.DoesNotContain(zh, r => r.Reason == "操作被拒绝，未做任何更改。"); // every row known
    }

    [Fact]
    public void Every_refusal_of_the_state_machine_is_translated()
    {
        foreach (var status in Enum.GetValues<PayoutBatchStatus>())
            foreach (var action in Enum.GetValues<PayoutBatchAction>())
                if (PayoutBatch.WhyNot("PB000001", status, action) is { } why)
                {
                    var zh = In(UiCulture.Chinese, () => PayoutMessages.Refusal(why));
                    Assert.StartsWith("PB000001 不能", zh);
                    Assert.DoesNotMatch("[a-z]{3,}", zh);
                }
    }

    [Theory]
    [InlineData("可提现余额低于最低提现额 Available ¥20.00 is below the minimum payout ¥100.00", "可提现余额 ¥20.00 低于最低提现额 ¥100.00", "Available ¥20.00 is below the minimum payout ¥100.00")]
    [InlineData("已在待审批批次 Already in batch PB000004, not yet approved", "已在待审批批次 PB000004 中", "Already in batch PB000004, not yet approved")]
    [InlineData("没有收款账户 No payout account", "没有收款账户", "No payout account")]
    public void Why_a_member_was_left_out_is_in_one_language(string domain, string chinese, string english)
    {
        Assert.Equal(chinese, In(UiCulture.Chinese, () => PayoutMessages.Exclusion(domain)));
        Assert.Equal(english, In(UiCulture.English, () => PayoutMessages.Exclusion(domain)));
    }
}
