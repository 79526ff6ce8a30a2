using System.Text.RegularExpressions;
using LianDong.Domain.Payouts;

namespace LianDong.Console.Features.Payouts;

/// <summary>A row of a refused bank result: its line in the file (null when the refusal is about the whole file) and why.</summary>
public sealed record RefusedRow(int? Line, string Reason);

/// <summary>
/// The payout domain's refusals (its exceptions' and the import's texts, written for the audit log in English) in the
/// user's language. The domain keeps its texts, which the audit log records; the page shows these instead. A text no
/// pattern knows becomes a plain "refused, nothing changed" rather than English shown to a user.
/// </summary>
public static partial class PayoutMessages
{
    private static readonly (Regex Pattern, Func<Match, string> Text)[] Refusals =
    [
        (NoneToPay(), _ => PayoutsText.Get("Refused.NoneToPay")),
        (Unequal(), m => PayoutsText.Format("Refused.Unequal", m.Groups[1].Value)),
        (SelfApproval(), m => PayoutsText.Format("Refused.SelfApproval", m.Groups[1].Value, m.Groups[2].Value)),
        (EntryMoved(), m => PayoutsText.Format("Refused.EntryMoved", m.Groups[1].Value, m.Groups[2].Value)),
        (Clawback(), m => PayoutsText.Format("Refused.Clawback", m.Groups[1].Value)),
        (NoLine(), m => PayoutsText.Format("Refused.NoLine", m.Groups[1].Value)),
        (ReasonRequired(), _ => PayoutsText.Get("Refused.ReasonRequired")),
        (NotPending(), m => PayoutsText.Format("Refused.NotPending", m.Groups[1].Value)),
        (EntryNotPaid(), m => PayoutsText.Format("Refused.EntryNotPaid", m.Groups[1].Value, m.Groups[2].Value)),
        (NoBatch(), m => PayoutsText.Format("Refused.NoBatch", PayoutBatch.ReferenceOf(long.Parse(m.Groups[1].Value)))),
        (CannotBe(), m => CannotBeText(m)),
        (ChangedMeanwhile(), m => PayoutsText.Format("Refused.ChangedMeanwhile", m.Groups[1].Value)),
    ];

    private static readonly (Regex Pattern, Func<Match, string> Text)[] Rows =
    [
        (RowEmpty(), _ => PayoutsText.Format("Row.Empty", PayoutResultFile.Header)),
        (RowHeader(), m => PayoutsText.Format("Row.Header", PayoutResultFile.Header, m.Groups[1].Value)),
        (RowFields(), m => PayoutsText.Format("Row.Fields", m.Groups[1].Value)),
        (RowNoReference(), _ => PayoutsText.Get("Row.NoReference")),
        (RowTwice(), m => PayoutsText.Format("Row.Twice", m.Groups[1].Value)),
        (RowAmount(), m => PayoutsText.Format("Row.Amount", m.Groups[1].Value)),
        (RowResult(), m => PayoutsText.Format("Row.Result", m.Groups[1].Value)),
        (RowNotInBatch(), m => PayoutsText.Format("Row.NotInBatch", m.Groups[1].Value, m.Groups[2].Value)),
        (RowAlready(), m => PayoutsText.Format("Row.Already", m.Groups[1].Value, LineStatus(m.Groups[2].Value))),
        (RowAmountDiffers(), m => PayoutsText.Format("Row.AmountDiffers", m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)),
        (RowNoReason(), m => PayoutsText.Format("Row.NoReason", m.Groups[1].Value)),
    ];

    /// <summary>A refusal of the payout service in the user's language.</summary>
    public static string Refusal(string message) => Translate(Refusals, message) ?? PayoutsText.Get("Refused.Other");

    /// <summary>One error of a refused bank result: "line 3: …" names its row; the others are about the file or the batch.</summary>
    public static RefusedRow Row(string error)
    {
        if (error == "the file has no result rows") return new(null, PayoutsText.Get("Row.NoRows"));
        var line = LinePrefix().Match(error);
        if (!line.Success) return new(null, Refusal(error));
        var rest = error[line.Length..];
        return new(int.Parse(line.Groups[1].Value), Translate(Rows, rest) ?? Refusal(rest));
    }

    /// <summary>Why a member was left out of the preview, in the user's language.</summary>
    public static string Exclusion(string reason)
    {
        if (BelowMinimum().Match(reason) is { Success: true } m) return PayoutsText.Format("Excluded.BelowMinimum", m.Groups[1].Value, m.Groups[2].Value);
        if (InOpenBatch().Match(reason) is { Success: true } b) return PayoutsText.Format("Excluded.InOpenBatch", b.Groups[1].Value);
        return PayoutsText.Get("Excluded.NoAccount");
    }

    public static string BatchStatus(PayoutBatchStatus s) => PayoutsText.Get("BatchStatus." + s);

    private static string LineStatus(string status) => PayoutsText.Get("LineStatus." + status);

    private static string? Translate((Regex Pattern, Func<Match, string> Text)[] table, string message)
    {
        foreach (var (pattern, text) in table)
            if (pattern.Match(message) is { Success: true } m) return text(m);
        return null;
    }

    /// <summary><see cref="PayoutBatch.WhyNot"/>'s "PB000001 cannot be approved: it was cancelled", and its "(it changed a moment ago)".</summary>
    private static string CannotBeText(Match m)
    {
        var action = m.Groups[2].Value switch
        {
            "approved" => "Approve",
            "cancelled" => "Cancel",
            "sent to the bank" => "ExportBankFile",
            "marked paid or failed" => "MarkLine",
            "given a bank result" => "ImportResult",
            _ => "Close",
        };
        var because = m.Groups[3].Value switch
        {
            "it is not approved yet" => "NotApprovedYet",
            "it is not approved and its bank file has not been made" => "NotApproved",
            "its bank file has not been made yet" => "NotExported",
            "it is already approved and sent to the bank" => "Exported",
            "it is closed (every line is marked)" => "Closed",
            _ => "Cancelled",
        };
        var text = PayoutsText.Format("Refused.CannotBe", m.Groups[1].Value, PayoutsText.Get("Action." + action), PayoutsText.Get("Because." + because));
        return m.Groups[4].Success ? PayoutsText.Format("Refused.Meanwhile", text) : text;
    }

    [GeneratedRegex(@"^没有可提现的会员")] private static partial Regex NoneToPay();
    [GeneratedRegex(@"^line (\S+)'s entries do not add up")] private static partial Regex Unequal();
    [GeneratedRegex(@"^批次须由另一人审批 (\S+) was built by (.+); a second")] private static partial Regex SelfApproval();
    [GeneratedRegex(@"^ledger entry (\d+) of line (\S+) is no longer Available")] private static partial Regex EntryMoved();
    [GeneratedRegex(@"^a clawback posted since the batch was built would pay member (\d+) more")] private static partial Regex Clawback();
    [GeneratedRegex(@"^没有该明细 No payout line (\d+)")] private static partial Regex NoLine();
    [GeneratedRegex(@"^请填写失败原因")] private static partial Regex ReasonRequired();
    [GeneratedRegex(@"^(\S+) is no longer pending$")] private static partial Regex NotPending();
    [GeneratedRegex(@"^ledger entry (\d+) of (\S+) is not Paid")] private static partial Regex EntryNotPaid();
    [GeneratedRegex(@"^没有该批次 No payout batch (\d+)")] private static partial Regex NoBatch();
    [GeneratedRegex(@"^(\S+) cannot be (approved|cancelled|sent to the bank|marked paid or failed|given a bank result|closed): (.+?)( \(it changed a moment ago\))?$")] private static partial Regex CannotBe();
    [GeneratedRegex(@"^(\S+) was changed by someone else a moment ago")] private static partial Regex ChangedMeanwhile();

    [GeneratedRegex(@"^line (\d+): ")] private static partial Regex LinePrefix();
    [GeneratedRegex(@"^the file is empty")] private static partial Regex RowEmpty();
    [GeneratedRegex(@"^header must be "".*"", found ""(.*)""$")] private static partial Regex RowHeader();
    [GeneratedRegex(@"^expected reference,amount,result\[,reason\], found ""(.*)""$")] private static partial Regex RowFields();
    [GeneratedRegex(@"^reference is empty$")] private static partial Regex RowNoReference();
    [GeneratedRegex(@"^reference (.+) appears twice$")] private static partial Regex RowTwice();
    [GeneratedRegex(@"^amount ""(.*)"" is not yuan")] private static partial Regex RowAmount();
    [GeneratedRegex(@"^result ""(.*)"" must be paid or failed$")] private static partial Regex RowResult();
    [GeneratedRegex(@"^reference (.+) is not a line of (\S+)$")] private static partial Regex RowNotInBatch();
    [GeneratedRegex(@"^(\S+) is already (Paid|Failed|Pending)$")] private static partial Regex RowAlready();
    [GeneratedRegex(@"^(\S+) amount (\S+) differs from the batch's (\S+)$")] private static partial Regex RowAmountDiffers();
    [GeneratedRegex(@"^(\S+) failed without a reason$")] private static partial Regex RowNoReason();
    [GeneratedRegex(@"^可提现余额低于最低提现额 Available (\S+) is below the minimum payout (\S+)$")] private static partial Regex BelowMinimum();
    [GeneratedRegex(@"^已在待审批批次 Already in batch (\S+),")] private static partial Regex InOpenBatch();
}
