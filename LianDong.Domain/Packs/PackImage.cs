namespace LianDong.Domain.Packs;

/// <summary>
/// A gift pack's uploaded image, kept in the database so a backup of the database file holds it and every console
/// process on a shared database serves it. The pack names it by <see cref="FileName"/>; rows are only inserted (a new
/// upload is a new row; the old one stays for what audit rows name).
/// </summary>
public class PackImage
{
    public long Id { get; private set; }
    /// <summary><c>&lt;pack code&gt;-&lt;random&gt;.&lt;ext&gt;</c>: unique, what <see cref="GiftPack.ImageFile"/> holds.</summary>
    public string FileName { get; private set; } = "";
    public string ContentType { get; private set; } = "";
    public byte[] Content { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }

    private PackImage() { }

    public PackImage(string fileName, string contentType, byte[] content, DateTimeOffset createdAt)
    {
        FileName = fileName; ContentType = contentType; Content = content; CreatedAt = createdAt;
    }
}
