using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using System.Data.Common;

namespace LianDong.Domain.Persistence;

public static class PersistenceServiceCollectionExtensions
{
    public const string DefaultConnectionString = "Data Source=data/liandong.db";

    /// <summary>
    /// Registers the context factory (one context per operation, as Blazor Server needs) and a scoped
    /// context for Identity. SQLite runs in WAL mode with a busy timeout so readers never block the writer.
    /// </summary>
    public static IServiceCollection AddLianDongPersistence(this IServiceCollection services, string connectionString) =>
        services.AddLianDongPersistence(_ => connectionString);

    /// <summary>
    /// As above, with the connection string read when the first context is made (after the host's
    /// configuration is complete, so test hosts and command-line overrides are seen).
    /// </summary>
    public static IServiceCollection AddLianDongPersistence(this IServiceCollection services, Func<IServiceProvider, string> connectionString)
    {
        services.AddDbContextFactory<LianDongDbContext>((sp, o) => Configure(o, Prepare(connectionString(sp))));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContext());
        return services;
    }

    /// <summary>Creates the database folder and sets a busy timeout; returns the connection string to use.</summary>
    public static string Prepare(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:")
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (!string.IsNullOrEmpty(dir))
            {
                try { Directory.CreateDirectory(dir); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"the folder {dir} of the database (Data Source={csb.DataSource}) cannot be made: {e.Message}", e);
                }
            }
        }
        return Normalize(csb.ToString());
    }

    /// <summary>The connection string the console opens (a busy timeout of at least 30 s), without touching the disk.</summary>
    public static string Normalize(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.DefaultTimeout < 30) csb.DefaultTimeout = 30;
        return csb.ToString();
    }

    /// <summary>
    /// Closes the pooled connections of one database (as given and as the console opens it), so its file can be deleted
    /// or copied. Never <c>SqliteConnection.ClearAllPools()</c> in a process that works on other databases at the same
    /// time: clearing a pool while another thread opens from it hands that thread a disposed handle.
    /// </summary>
    public static void ReleasePool(string connectionString)
    {
        foreach (var cs in new[] { connectionString, Normalize(connectionString) }.Distinct())
        {
            using var c = new SqliteConnection(cs);
            SqliteConnection.ClearPool(c);
        }
    }

    public static void Configure(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString).AddInterceptors(SqlitePragmaInterceptor.Instance);
}

/// <summary>
/// Sets WAL and the pragmas every connection needs when it opens. Reads go through a memory map of the file (up to
/// 2 GB; pages are shared with the OS page cache, no copy and no system call per page) and each connection keeps up to
/// 32 MB of pages: with SQLite's 2 MB default a database of a million members (~2 GB) spent more than half of the
/// engine's time in the kernel, reading index pages one <c>pread</c> at a time (ADR 0071).
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public static readonly SqlitePragmaInterceptor Instance = new();
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; " +
                                   "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-32768; PRAGMA wal_autocheckpoint=40000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

public static class StreamingReads
{
    /// <summary>
    /// Opens the context's connection for a long forward-only read (an export of up to millions of rows) and turns its
    /// memory map off: such a read touches pages all over the file once each, and through the map every one of them
    /// would count in the process's working set (a 100,000-line export of a million-member database mapped ~1 GB).
    /// Through the connection's page cache it stays flat. The next open of the pooled connection maps again
    /// (<see cref="SqlitePragmaInterceptor"/>); ADR 0071.
    /// </summary>
    public static async Task UseForStreamingAsync(this LianDongDbContext db, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = "PRAGMA mmap_size=0;";
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The page cache of the console's big writes (ADR 0072).</summary>
public static class WriterCache
{
    /// <summary>The page cache of <see cref="UseWriterCacheAsync"/>: 256 MB.</summary>
    public const int WriterCacheKib = 262_144;

    /// <summary>
    /// Opens the context's connection for a big write (an engine batch, a nightly step) and gives it a larger page
    /// cache than the 32 MB every connection opens with: the pages such a write dirties stay in the cache until its
    /// commit instead of spilling to the WAL, and the index pages it reads next time are still there (a page written
    /// since the last checkpoint is read from the WAL by a system call, not from the map). The next open of the pooled
    /// connection sets the default again (<see cref="SqlitePragmaInterceptor"/>); ADR 0072.
    /// </summary>
    public static async Task UseWriterCacheAsync(this LianDongDbContext db, CancellationToken ct = default)
    {
        await db.Database.OpenConnectionAsync(ct);
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = $"PRAGMA cache_size=-{WriterCacheKib};";
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
