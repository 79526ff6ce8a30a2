using LianDong.Domain.Ledger;

namespace LianDong.Domain.Compliance;

/// <summary>A reward the engine did not post because of a compliance limit (section 9). Kept forever.</summary>
public class WithheldReward
{
    public const string ReasonMaxReferralDistance = "maxReferralDistance";

    public long Id { get; private set; }
    public long OrderId { get; private set; }
    public long BeneficiaryId { get; private set; }
    public EntryKind Kind { get; private set; }
    /// <summary>Which share of the order (Direct, SeePoint, Peer, RetailL1, …): one member may be withheld two shares.</summary>
    public string Slot { get; private set; } = "";
    public long AmountFen { get; private set; }
    public int Distance { get; private set; }
    public string Reason { get; private set; } = "";
    public long RuleSetId { get; private set; }
    public DateTimeOffset At { get; private set; }

    private WithheldReward() { }

    public WithheldReward(long orderId, long beneficiaryId, EntryKind kind, string slot, long amountFen, int distance, string reason, long ruleSetId, DateTimeOffset at)
    {
        OrderId = orderId; BeneficiaryId = beneficiaryId; Kind = kind; Slot = slot; AmountFen = amountFen; Distance = distance;
        Reason = reason; RuleSetId = ruleSetId; At = at;
    }
}
