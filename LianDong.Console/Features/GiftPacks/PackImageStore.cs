using LianDong.Console.Hosting;
using LianDong.Console.Settings;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.GiftPacks;

public sealed record StoredPackImage(byte[] Content, string ContentType);

/// <summary>
/// Pack images, in the database (table <c>PackImages</c>), so the backup file holds them and every console process on
/// one database serves them. Each upload is a new row named <c>&lt;code&gt;-&lt;random&gt;.&lt;ext&gt;</c>; the pack keeps
/// that name. Images uploaded before they moved into the database are under the data folder's <c>pack-images/</c>: the
/// first time one is asked for it is copied in, so a backup taken after that holds it too.
/// </summary>
public sealed class PackImageStore(IDbContextFactory<LianDongDbContext> dbs, LianDongSettings settings, TimeProvider time)
{
    public const long MaxBytes = 2 * 1024 * 1024;
    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".webp"] = "image/webp",
    };

    /// <summary>Where images lived before: the data folder (beside the database file) + <c>pack-images/</c>.</summary>
    private string LegacyFolder => Path.Combine(DataProtectionSetup.DataFolderPath(settings.ConnectionString), "pack-images");

    /// <summary>
    /// Stores an uploaded picture. Its type comes from its content (<see cref="PackImageFormat"/>), never from
    /// <paramref name="fileName"/>: anything but a well-formed PNG, JPEG or WebP is refused with a message for the user.
    /// </summary>
    public async Task<(bool Ok, string? Error, string? FileName)> SaveAsync(string code, Stream content, string fileName, CancellationToken ct)
    {
        var bytes = await ReadAsync(content, ct);
        if (bytes is null) return (false, PacksText.Get("Error.ImageTooLarge"), null);
        return await SaveAsync(code, bytes, ct);
    }

    /// <summary>Stores picture bytes already read (the pack form reads them when the file is chosen).</summary>
    public async Task<(bool Ok, string? Error, string? FileName)> SaveAsync(string code, byte[] bytes, CancellationToken ct)
    {
        if (bytes.Length > MaxBytes) return (false, PacksText.Get("Error.ImageTooLarge"), null);
        if (PackImageFormat.Detect(bytes) is not { } type) return (false, PacksText.Get("Error.ImageNotPicture"), null);
        var name = $"{code}-{Guid.NewGuid():N}{type.Extension}";
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.PackImages.Add(new PackImage(name, type.ContentType, bytes, time.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return (true, null, name);
    }

    /// <summary>The stream's bytes, or null when there are more than <see cref="MaxBytes"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(Stream content, CancellationToken ct)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await content.ReadAsync(buffer, ct)) > 0)
        {
            if (copy.Length + n > MaxBytes) return null;
            copy.Write(buffer, 0, n);
        }
        return copy.ToArray();
    }

    public async Task<StoredPackImage?> FindAsync(string fileName, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await db.PackImages.AsNoTracking().Where(i => i.FileName == fileName)
            .Select(i => new StoredPackImage(i.Content, i.ContentType)).FirstOrDefaultAsync(ct);
        if (row is not null) return row;

        var legacy = Path.Combine(LegacyFolder, Path.GetFileName(fileName));
        if (!File.Exists(legacy) || !Types.TryGetValue(Path.GetExtension(legacy), out var type)) return null;
        var bytes = await File.ReadAllBytesAsync(legacy, ct);
        db.PackImages.Add(new PackImage(Path.GetFileName(fileName), type, bytes, time.GetUtcNow()));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { /* another request copied it in first */ }
        return new StoredPackImage(bytes, type);
    }
}
