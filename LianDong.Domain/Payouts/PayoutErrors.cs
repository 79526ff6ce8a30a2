namespace LianDong.Domain.Payouts;

/// <summary>A payout action refused because of the batch's or a line's state (nothing was changed).</summary>
public sealed class PayoutRuleException(string message) : LianDong.Domain.Engine.EngineException(message);
