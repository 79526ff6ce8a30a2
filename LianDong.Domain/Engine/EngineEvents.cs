namespace LianDong.Domain.Engine;

/// <summary>An event from the storefront or an admin, applied exactly once by <see cref="Rewards.RewardEngineService"/>.</summary>
public abstract record EngineEvent(DateTimeOffset At);

/// <summary>A registration. Name and phone are optional contact data for the console's search; they take no part in the rules.</summary>
public sealed record RegisterMember(string MemberId, string? ReferrerId, DateTimeOffset At, string? Name = null, string? Phone = null) : EngineEvent(At);

public sealed record PayPackOrder(string OrderId, string MemberId, string PackCode, DateTimeOffset At) : EngineEvent(At);

public sealed record PayRetailOrder(string OrderId, string MemberId, long AmountFen, DateTimeOffset At) : EngineEvent(At);

public sealed record RefundOrder(string OrderId, DateTimeOffset At) : EngineEvent(At);

/// <summary>An admin appoints a seed partner (audited).</summary>
public sealed record AppointPartner(string MemberId, string Actor, DateTimeOffset At) : EngineEvent(At);
