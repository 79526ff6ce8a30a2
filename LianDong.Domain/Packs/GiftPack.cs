namespace LianDong.Domain.Packs;

/// <summary>
/// A gift pack (礼包) listed by a merchant. Price and cost can change while the pack is off; orders keep the
/// values in force when they were paid. Switching a pack on is checked against the payout limit (section 9).
/// </summary>
public class GiftPack
{
    public long Id { get; private set; }
    public long MerchantId { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    /// <summary>File name of the pack's image under the data folder's pack-images directory, if any.</summary>
    public string? ImageFile { get; private set; }
    public long PriceFen { get; private set; }
    public long CostFen { get; private set; }
    /// <summary>Units the merchant still offers; the storefront stops selling at 0. Paid orders always record.</summary>
    public int Stock { get; private set; }
    public int SoldCount { get; private set; }
    public bool IsOn { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    private GiftPack() { }

    public GiftPack(long merchantId, string code, string name, long priceFen, long costFen, int stock, DateTimeOffset createdAt)
    {
        if (string.IsNullOrWhiteSpace(code)) throw new ArgumentException("Pack code is required.", nameof(code));
        MerchantId = merchantId;
        Code = code;
        Name = string.IsNullOrWhiteSpace(name) ? code : name;
        PriceFen = priceFen;
        CostFen = costFen;
        Stock = stock;
        CreatedAt = createdAt;
    }

    internal void SwitchOn() => IsOn = true;
    internal void SwitchOff() => IsOn = false;

    internal void Reprice(long priceFen, long costFen)
    {
        if (IsOn) throw new InvalidOperationException($"Switch pack {Code} off before changing its price or cost.");
        PriceFen = priceFen;
        CostFen = costFen;
    }

    internal void Edit(string name, string? description, int stock)
    {
        if (stock < 0) throw new ArgumentOutOfRangeException(nameof(stock), "Stock must not be negative.");
        Name = string.IsNullOrWhiteSpace(name) ? Code : name.Trim();
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        Stock = stock;
    }

    internal void SetImage(string? imageFile) => ImageFile = imageFile;

    internal void RecordSale()
    {
        SoldCount++;
        if (Stock > 0) Stock--;
    }

    /// <summary>Catalogue sync (storefront PUT): name and stock may change at any time.</summary>
    internal void Describe(string name, int stock)
    {
        if (stock < 0) throw new ArgumentOutOfRangeException(nameof(stock), "Stock must not be negative.");
        Name = string.IsNullOrWhiteSpace(name) ? Code : name;
        Stock = stock;
    }
}
