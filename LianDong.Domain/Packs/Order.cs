namespace LianDong.Domain.Packs;

public enum OrderKind { Pack = 0, Retail = 1 }

/// <summary>
/// A paid order from the storefront: a gift-pack order (qualifying or repeat) or a retail order.
/// Price and cost are copied at payment. An order is never deleted; a refund only sets <see cref="RefundedAt"/>.
/// </summary>
public class Order
{
    public long Id { get; private set; }
    /// <summary>The storefront's order id; one delivery of it is applied exactly once.</summary>
    public string ExternalId { get; private set; } = "";
    public OrderKind Kind { get; private set; }
    public long MemberId { get; private set; }
    public long? PackId { get; private set; }
    /// <summary>Pack price at payment, or the retail amount.</summary>
    public long PriceFen { get; private set; }
    public long CostFen { get; private set; }
    public DateTimeOffset PaidAt { get; private set; }
    public long RuleSetId { get; private set; }
    /// <summary>Paid while the buyer was a Member: made them an Agent and triggered the 2+1 rewards.</summary>
    public bool IsQualifying { get; private set; }
    /// <summary>The referrer whose qualified-referral count this order raised (section 3 step 4), if any.</summary>
    public long? CountedForMemberId { get; private set; }
    public DateTimeOffset? RefundedAt { get; private set; }

    private Order() { }

    public static Order ForPack(string externalId, long memberId, GiftPack pack, DateTimeOffset paidAt, long ruleSetId, bool qualifying) => new()
    {
        ExternalId = externalId, Kind = OrderKind.Pack, MemberId = memberId, PackId = pack.Id,
        PriceFen = pack.PriceFen, CostFen = pack.CostFen, PaidAt = paidAt, RuleSetId = ruleSetId, IsQualifying = qualifying,
    };

    public static Order ForRetail(string externalId, long memberId, long amountFen, DateTimeOffset paidAt, long ruleSetId)
    {
        if (amountFen <= 0) throw new ArgumentOutOfRangeException(nameof(amountFen), "A retail amount must be positive.");
        return new()
        {
            ExternalId = externalId, Kind = OrderKind.Retail, MemberId = memberId, PriceFen = amountFen,
            PaidAt = paidAt, RuleSetId = ruleSetId,
        };
    }

    public bool IsRefunded => RefundedAt is not null;

    internal void MarkCounted(long referrerId) => CountedForMemberId = referrerId;

    internal void MarkRefunded(DateTimeOffset at)
    {
        if (RefundedAt is not null) throw new InvalidOperationException($"Order {ExternalId} is already refunded.");
        RefundedAt = at;
    }
}
