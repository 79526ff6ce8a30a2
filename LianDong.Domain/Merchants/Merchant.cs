namespace LianDong.Domain.Merchants;

/// <summary>A supplier (供应商) that lists gift packs. Merchant users are bound to one merchant.</summary>
public class Merchant
{
    public long Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; set; } = "";
    public string? Contact { get; set; }
    public DateTimeOffset CreatedAt { get; private set; }

    private Merchant() { }

    public Merchant(string code, string name, string? contact, DateTimeOffset createdAt)
    {
        if (string.IsNullOrWhiteSpace(code)) throw new ArgumentException("Merchant code is required.", nameof(code));
        Code = code;
        Name = name;
        Contact = contact;
        CreatedAt = createdAt;
    }

    public void ChangeCode(string code)
    {
        if (string.IsNullOrWhiteSpace(code)) throw new ArgumentException("Merchant code is required.", nameof(code));
        Code = code;
    }
}
