namespace LianDong.Domain.Identity;

/// <summary>
/// A storefront API key. Only the SHA-256 of the key is stored (the key is 256 random bits, so a slow
/// hash adds nothing); <see cref="Prefix"/> is the first characters, shown so admins can tell keys apart.
/// A key with a <see cref="MerchantId"/> acts for that merchant only; without one it is a platform key.
/// </summary>
public class ApiKey
{
    public long Id { get; private set; }
    public string Name { get; private set; } = "";
    public string Prefix { get; private set; } = "";
    public string Hash { get; private set; } = "";
    public long? MerchantId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    private ApiKey() { }

    public ApiKey(string name, string prefix, string hash, long? merchantId, DateTimeOffset createdAt, string createdBy)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A key needs a name.", nameof(name));
        Name = name;
        Prefix = prefix;
        Hash = hash;
        MerchantId = merchantId;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
    }

    public bool IsRevoked => RevokedAt is not null;

    public void Revoke(DateTimeOffset at, string by)
    {
        if (RevokedAt is not null) return;
        RevokedAt = at;
        RevokedBy = by;
    }
}
