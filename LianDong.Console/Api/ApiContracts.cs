using System.ComponentModel.DataAnnotations;
using LianDong.Domain.Engine;
using Microsoft.Extensions.Validation.Embedded;

namespace LianDong.Console.Api;

// Requests: bound by ApiJson (JSON shape, one field at a time) and validated by the framework (AddValidation: the
// attributes below), and the OpenAPI document's request schemas. Properties are declared in the order they are checked:
// a body with several faults is answered with the first (docs/decisions/0010-storefront-api.md). A string is trimmed and
// an empty one is absent; an [ApiId] is 1–64 characters of A–Z a–z 0–9 _ -; times need an offset; numbers are whole.
// [ValidatableType] is the validations generator's own (embedded) attribute: it makes the generator describe the records
// though no endpoint takes them as a parameter.

[ValidatableType]
public sealed record RegisterMemberRequest
{
    [ApiId, Required(ErrorMessage = "memberId is required")] public string? MemberId { get; init; }
    [ApiId] public string? ReferrerId { get; init; }
    [MaxLength(100, ErrorMessage = "displayName is longer than 100 characters")] public string? DisplayName { get; init; }
    [MaxLength(32, ErrorMessage = "phone is longer than 32 characters")] public string? Phone { get; init; }
    [Required(ErrorMessage = "registeredAt is required"), EventTime("registeredAt")] public DateTimeOffset? RegisteredAt { get; init; }
}

[ValidatableType]
public sealed record OrderRequest
{
    [ApiId, Required(ErrorMessage = "orderId is required")] public string? OrderId { get; init; }
    [ApiId, Required(ErrorMessage = "memberId is required")] public string? MemberId { get; init; }
    /// <summary>"pack" or "retail".</summary>
    [Required(ErrorMessage = "kind is required"), MaxLength(10, ErrorMessage = "kind is longer than 10 characters")] public string? Kind { get; init; }
    /// <summary>[OrderKind] answers for kind, here because it is checked after paidAt and before packCode and amountFen.</summary>
    [Required(ErrorMessage = "paidAt is required"), EventTime("paidAt"), OrderKind] public DateTimeOffset? PaidAt { get; init; }
    /// <summary>Required for a pack order, refused on a retail one.</summary>
    [ApiId, PackCodeForKind] public string? PackCode { get; init; }
    /// <summary>Required for a retail order; for a pack order, when sent, the pack's price.</summary>
    [WholeRange("amountFen", 1, long.MaxValue), FenAtMost("amountFen", 1, InputLimits.MaxOrderAmountFen), AmountForKind] public long? AmountFen { get; init; }
}

[ValidatableType]
public sealed record RefundRequest
{
    [Required(ErrorMessage = "refundedAt is required"), EventTime("refundedAt")] public DateTimeOffset? RefundedAt { get; init; }
}

/// <summary>All three are checked (and required) by the payout-account service, which names the field it refuses.</summary>
[ValidatableType]
public sealed record PayoutAccountRequest
{
    [MaxLength(100, ErrorMessage = "accountName is longer than 100 characters")] public string? AccountName { get; init; }
    [MaxLength(100, ErrorMessage = "bankName is longer than 100 characters")] public string? BankName { get; init; }
    [MaxLength(64, ErrorMessage = "accountNo is longer than 64 characters")] public string? AccountNo { get; init; }
}

/// <summary>Price and cost ranges are the catalogue's (422 naming the field, docs/api.md "Limits").</summary>
[ValidatableType]
public sealed record PackRequest
{
    [ApiId, Required(ErrorMessage = "merchantCode is required")] public string? MerchantCode { get; init; }
    [Required(ErrorMessage = "name is required"), MaxLength(200, ErrorMessage = "name is longer than 200 characters")] public string? Name { get; init; }
    [Required(ErrorMessage = "priceFen is required")] public long? PriceFen { get; init; }
    [Required(ErrorMessage = "costFen is required")] public long? CostFen { get; init; }
    [Required(ErrorMessage = "stock is required"), WholeRange("stock", 0, int.MaxValue)] public long? Stock { get; init; }
    [Required(ErrorMessage = "active is required")] public bool? Active { get; init; }
}

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
