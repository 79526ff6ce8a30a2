namespace LianDong.Console.Api;

// Request shapes, for the OpenAPI document (bodies are read field by field by ApiJson).
public sealed record RegisterMemberRequest(string MemberId, string? ReferrerId, string? DisplayName, string? Phone, DateTimeOffset RegisteredAt);
public sealed record OrderRequest(string OrderId, string MemberId, string Kind, string? PackCode, long? AmountFen, DateTimeOffset PaidAt);
public sealed record RefundRequest(DateTimeOffset RefundedAt);
public sealed record PayoutAccountRequest(string AccountName, string BankName, string AccountNo);
public sealed record PackRequest(string MerchantCode, string Name, long PriceFen, long CostFen, int Stock, bool Active);

// Responses. Times are in the platform time zone (+08:00); money is integer fen.
public sealed record MemberRegistration(string MemberId, string? ReferrerId, string? DisplayName, string? Phone, DateTimeOffset RegisteredAt);
public sealed record RankChangeDto(string MemberId, string FromRank, string ToRank, string Reason);
public sealed record PostedEntryDto(long EntryId, string MemberId, string Kind, long AmountFen, DateOnly SettlesOn);
public sealed record OrderResult(string OrderId, string MemberId, string Kind, string? PackCode, long AmountFen, DateTimeOffset PaidAt,
    bool Qualifying, IReadOnlyList<RankChangeDto> RankChanges, IReadOnlyList<PostedEntryDto> Entries);
public sealed record RefundResult(string OrderId, DateTimeOffset RefundedAt, IReadOnlyList<long> CancelledEntryIds,
    IReadOnlyList<PostedEntryDto> Clawbacks, IReadOnlyList<RankChangeDto> RankChanges);
public sealed record PayoutAccountDto(string MemberId, string AccountName, string BankName, string AccountNo, DateTimeOffset UpdatedAt);
public sealed record MemberDetail(string MemberId, string Rank, string? ReferrerId, string? LeaderId, string? DisplayName, DateTimeOffset RegisteredAt,
    int QualifiedReferrals, int TeamSize, int TeamAgents, int TeamPartners, int LedAgents,
    long PendingFen, long FrozenFen, long AvailableFen, long PaidFen, PayoutAccountDto? PayoutAccount);
public sealed record EntryDto(long EntryId, string Kind, long AmountFen, string Status, string? OrderId, DateOnly PostingDate, DateOnly SettlesOn);
public sealed record EntriesPage(IReadOnlyList<EntryDto> Items, long? NextBefore);
public sealed record ReferralDto(string MemberId, string Rank, int QualifiedReferrals, int TeamSize);
public sealed record ReferralsPage(IReadOnlyList<ReferralDto> Items, long? NextAfter);
public sealed record PackDto(string Code, string MerchantCode, string Name, long PriceFen, long CostFen, int Stock, bool Active, int SoldCount);

/// <summary>A write's answer: 201 the first time, 200 when it changed nothing new.</summary>
public sealed record ApiWrite<T>(bool Created, T Body);
