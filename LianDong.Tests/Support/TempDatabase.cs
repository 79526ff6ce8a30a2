using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Support;

/// <summary>A real SQLite file in its own temp folder, deleted at the end.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("liandong-test-").FullName;
    public string FilePath => Path.Combine(Folder, "liandong.db");
    public string ConnectionString => $"Data Source={FilePath}";

    public LianDongDbContext NewContext()
    {
        var o = new DbContextOptionsBuilder<LianDongDbContext>();
        PersistenceServiceCollectionExtensions.Configure(o, PersistenceServiceCollectionExtensions.Prepare(ConnectionString));
        return new LianDongDbContext(o.Options);
    }

    public void Dispose()
    {
        PersistenceServiceCollectionExtensions.ReleasePool(ConnectionString);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { /* a straggling handle; the OS temp cleaner takes it */ }
    }
}
