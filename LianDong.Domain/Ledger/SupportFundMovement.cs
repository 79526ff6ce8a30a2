namespace LianDong.Domain.Ledger;

public enum FundMovementKind { Forfeit = 0, RefundTakeBack = 1, Grant = 2 }

/// <summary>
/// One movement of the support fund (帮扶基金): forfeits in (+), refund take-backs out (−, the fund may go negative),
/// grants out (−). The fund's balance is the sum of movements. One forfeit and one take-back per ledger entry at most
/// (unique index on Kind + LedgerEntryId); one movement per grant id.
/// </summary>
public class SupportFundMovement
{
    public long Id { get; private set; }
    public FundMovementKind Kind { get; private set; }
    public long AmountFen { get; private set; }
    public long? LedgerEntryId { get; private set; }
    public string? GrantId { get; private set; }
    public long? MemberId { get; private set; }
    public string? Reason { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Actor { get; private set; } = "";
    public long? NightlyRunId { get; private set; }

    private SupportFundMovement() { }

    public static SupportFundMovement TakeBack(LedgerEntry forfeited, DateTimeOffset at, string actor) => new()
    {
        Kind = FundMovementKind.RefundTakeBack, AmountFen = -forfeited.AmountFen, LedgerEntryId = forfeited.Id,
        MemberId = forfeited.BeneficiaryId, At = at, Actor = actor,
    };

    public static SupportFundMovement ForGrant(string grantId, long memberId, long amountFen, string reason, DateTimeOffset at, string actor) => new()
    {
        Kind = FundMovementKind.Grant, AmountFen = -amountFen, GrantId = grantId, MemberId = memberId, Reason = reason, At = at, Actor = actor,
    };
}
