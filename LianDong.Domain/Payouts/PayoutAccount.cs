namespace LianDong.Domain.Payouts;

/// <summary>
/// Where a member's payouts go (收款账户). The account holder, bank and number are kept only as a
/// Data Protection payload (<see cref="Protected"/>); the masked forms beside it are what every screen
/// and export shows, so reading a list never needs the key. One row per member, replaced by an upsert.
/// </summary>
public class PayoutAccount
{
    public long Id { get; private set; }
    public long MemberId { get; private set; }
    /// <summary>The encrypted JSON of <see cref="PayoutAccountDetails"/>.</summary>
    public string Protected { get; private set; } = "";
    /// <summary>SHA-256 of the normalized details, so a repeated PUT is recognised without decrypting.</summary>
    public string Fingerprint { get; private set; } = "";
    public string MaskedAccountName { get; private set; } = "";
    public string BankName { get; private set; } = "";
    public string MaskedAccountNo { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    private PayoutAccount() { }

    public PayoutAccount(long memberId, DateTimeOffset at)
    {
        MemberId = memberId;
        CreatedAt = at;
        UpdatedAt = at;
    }

    internal void Replace(string protectedPayload, string fingerprint, PayoutAccountDetails details, DateTimeOffset at)
    {
        Protected = protectedPayload;
        Fingerprint = fingerprint;
        MaskedAccountName = PayoutAccountMasking.MaskName(details.AccountName);
        BankName = details.BankName;
        MaskedAccountNo = PayoutAccountMasking.MaskAccountNo(details.AccountNo);
        UpdatedAt = at;
    }
}

/// <summary>The clear account details: only for the payout export and the owner's own PUT.</summary>
public sealed record PayoutAccountDetails(string AccountName, string BankName, string AccountNo);

/// <summary>What screens show: never the full name or number.</summary>
public sealed record PayoutAccountView(long MemberId, string MemberExternalId, string AccountName, string BankName, string AccountNo, DateTimeOffset UpdatedAt);

/// <summary>Masks for display: the first character of the name, the last four digits of the number.</summary>
public static class PayoutAccountMasking
{
    public static string MaskName(string name)
    {
        var runes = name.EnumerateRunes().ToArray();
        if (runes.Length <= 1) return "*";
        return runes[0] + new string('*', Math.Min(runes.Length - 1, 3));
    }

    public static string MaskAccountNo(string accountNo) =>
        accountNo.Length <= 4 ? new string('*', accountNo.Length) : "****" + accountNo[^4..];
}
