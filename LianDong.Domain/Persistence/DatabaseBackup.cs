using Microsoft.Data.Sqlite;

namespace LianDong.Domain.Persistence;

/// <summary>What a backup copied: the file, its size, and the row counts that identify it.</summary>
public sealed record BackupResult(string File, long Bytes, long Members, long LedgerEntries, TimeSpan Elapsed, long DataProtectionKeys = 0);

/// <summary>A backup request that cannot be carried out; the message names what is wrong.</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>
/// A consistent online copy of the SQLite database through SQLite's backup API
/// (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>): all pages are copied in one step
/// under one read transaction, so the copy is the database as of one commit, while the console keeps
/// writing (WAL lets the writer go on). The copy is written to a temporary file beside the target,
/// checked with <c>PRAGMA integrity_check</c>, and only then renamed to the target, so a failed or
/// interrupted backup never leaves a partial file under the requested name. The Data Protection key ring is a table
/// of the same database, so the copy is everything a restore needs (besides the key-encryption key, if one is set).
/// </summary>
public static class DatabaseBackup
{
    public static BackupResult Run(string connectionString, string outFile)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var source = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(source.DataSource) || source.DataSource == ":memory:" || source.Mode == SqliteOpenMode.Memory)
            throw new BackupException("the configured database is not a file (ConnectionStrings:Default)");
        var sourcePath = Path.GetFullPath(source.DataSource);
        if (!File.Exists(sourcePath)) throw new BackupException($"the database {sourcePath} does not exist");
        var target = Path.GetFullPath(outFile);
        if (string.Equals(target, sourcePath, StringComparison.Ordinal)) throw new BackupException($"--out {outFile} is the database itself");
        if (File.Exists(target)) throw new BackupException($"--out {outFile} already exists; a backup never overwrites a file");
        var dir = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(dir)) throw new BackupException($"--out {outFile}: the folder {dir} does not exist");

        // The source is opened read-only: a backup cannot change the database, and never creates one.
        source.Mode = SqliteOpenMode.ReadOnly;
        source.Pooling = false;
        if (source.DefaultTimeout < 30) source.DefaultTimeout = 30;
        var temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");
        long members, entries, keys;
        try
        {
            using (var from = new SqliteConnection(source.ToString()))
            using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temp, Pooling = false }.ToString()))
            {
                from.Open();
                using (var busy = from.CreateCommand()) { busy.CommandText = "PRAGMA busy_timeout=30000;"; busy.ExecuteNonQuery(); }
                to.Open();
                from.BackupDatabase(to);
                // The copy keeps the source's WAL mode on purpose: the console's start-up check opens the file
                // read-only and re-asserts WAL, which a read-only connection cannot do to a DELETE-mode file.
                // Closing the connection checkpoints, so the copy is one file with no -wal beside it.
                var check = Scalar(to, "PRAGMA integrity_check;");
                if (check != "ok") throw new BackupException($"the copy failed its integrity check: {check}");
                members = long.Parse(Scalar(to, "SELECT count(*) FROM Members;"), System.Globalization.CultureInfo.InvariantCulture);
                entries = long.Parse(Scalar(to, "SELECT count(*) FROM LedgerEntries;"), System.Globalization.CultureInfo.InvariantCulture);
                // The key ring lives in the database (the console makes the table on first use): it is in the copy.
                keys = Scalar(to, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'DataProtectionKeys';") == "1"
                    ? long.Parse(Scalar(to, "SELECT count(*) FROM DataProtectionKeys;"), System.Globalization.CultureInfo.InvariantCulture)
                    : 0;
            }
            if (File.Exists(temp + "-wal")) throw new BackupException("the copy's write-ahead log was not checkpointed; try again");
            File.Move(temp, target);
        }
        finally
        {
            foreach (var f in new[] { temp, temp + "-wal", temp + "-shm" })
                if (File.Exists(f)) File.Delete(f);
        }

        return new BackupResult(target, new FileInfo(target).Length, members, entries, watch.Elapsed, keys);
    }

    private static string Scalar(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
