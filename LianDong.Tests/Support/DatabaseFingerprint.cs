using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace LianDong.Tests.Support;

/// <summary>"Nothing changed in the database": a SHA-256 over every row of every table, read from the file.</summary>
public static class DatabaseFingerprint
{
    /// <summary>A hash of every row of every table except <paramref name="except"/> (tables that move on every call).</summary>
    public static string Of(string file, params string[] except)
    {
        using var c = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        c.Open();
        var tables = new List<string>();
        using (var list = c.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var r = list.ExecuteReader();
            while (r.Read())
                if (!except.Contains(r.GetString(0))) tables.Add(r.GetString(0));
        }
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var table in tables)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            sha.AppendData(Encoding.UTF8.GetBytes(table + "\u001e"));
            while (r.Read())
                for (var i = 0; i < r.FieldCount; i++)
                    sha.AppendData(Encoding.UTF8.GetBytes((r.IsDBNull(i) ? "∅" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)) + "\u001f"));
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
