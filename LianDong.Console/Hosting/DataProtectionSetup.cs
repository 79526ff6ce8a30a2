using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using LianDong.Console.Settings;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Data.Sqlite;

namespace LianDong.Console.Hosting;

public static class DataProtectionSetup
{
    /// <summary>Where keys lived before they moved into the database; read once to move them in (ADR 0097).</summary>
    public const string KeysFolderName = "keys";

    /// <summary>The table holding the key ring, shaped as the EF Core Data Protection store's (<c>Id</c>, <c>FriendlyName</c>, <c>Xml</c>).</summary>
    public const string KeysTable = "DataProtectionKeys";

    /// <summary>Optional: base64 of 32 random bytes. When set, every key is stored encrypted under it (AES-256-GCM).</summary>
    public const string KeyEncryptionKeySetting = "DataProtection:KeyEncryptionKey";

    /// <summary>
    /// Data Protection keys (sign-in cookies, antiforgery tokens, the encrypted payout accounts) are kept in the
    /// database itself, table <see cref="KeysTable"/>: a backup of the database file is then everything a restore
    /// needs, and every console process on one database shares them. With <see cref="KeyEncryptionKeySetting"/> the
    /// keys are encrypted at rest, so the file (or a backup) alone cannot decrypt anything.
    /// </summary>
    public static IServiceCollection AddLianDongDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("LianDong");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((o, sp) =>
            {
                o.XmlRepository = new KeysInDatabase(sp);
                if (KeyEncryptionKey.From(sp.GetRequiredService<IConfiguration>()) is { } kek)
                    o.XmlEncryptor = new KeyEncryptionKeyEncryptor(kek);
            });
        return services;
    }

    /// <summary>The data folder: the database file's folder, where the old <c>keys/</c> and <c>pack-images/</c> folders were.</summary>
    public static string DataFolderPath(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return Path.GetDirectoryName(Path.GetFullPath(file)) ?? Directory.GetCurrentDirectory();
    }

    /// <summary>The data folder's old <c>keys/</c> subfolder (not created here).</summary>
    public static string KeysFolderPath(string connectionString) => Path.Combine(DataFolderPath(connectionString), KeysFolderName);

    /// <summary>
    /// The key ring in the database. The table is made on first use (not by a migration, so a later provider-specific
    /// store can adopt it); keys found in the old <c>keys/</c> folder are copied in once, when the table is empty, so
    /// existing sign-ins and payout accounts keep working. Opened only when keys are first read or written, after
    /// StartupTasks has parsed the settings and migrated the database.
    /// </summary>
    private sealed class KeysInDatabase(IServiceProvider services) : IXmlRepository
    {
        private readonly Lazy<string> connectionString = new(() =>
            PersistenceServiceCollectionExtensions.Prepare(services.GetRequiredService<LianDongSettings>().ConnectionString));
        private readonly object gate = new();
        private bool ready;

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var c = Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT Xml FROM \"{KeysTable}\" ORDER BY Id";
            using var r = cmd.ExecuteReader();
            var list = new List<XElement>();
            while (r.Read()) if (!r.IsDBNull(0)) list.Add(XElement.Parse(r.GetString(0)));
            return list;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var c = Open();
            Insert(c, friendlyName, element);
        }

        private SqliteConnection Open()
        {
            var c = new SqliteConnection(connectionString.Value);
            c.Open();
            lock (gate)
            {
                if (ready) return c;
                using (var create = c.CreateCommand())
                {
                    create.CommandText = $"CREATE TABLE IF NOT EXISTS \"{KeysTable}\" (\"Id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \"FriendlyName\" TEXT NULL, \"Xml\" TEXT NULL);";
                    create.ExecuteNonQuery();
                }
                MoveInFromFolder(c);
                ready = true;
            }
            return c;
        }

        private void MoveInFromFolder(SqliteConnection c)
        {
            var folder = KeysFolderPath(connectionString.Value);
            if (!Directory.Exists(folder)) return;
            var files = Directory.GetFiles(folder, "*.xml");
            if (files.Length == 0) return;
            using var tx = c.BeginTransaction();
            using (var count = c.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM \"{KeysTable}\"";
                if ((long)count.ExecuteScalar()! > 0) return;
            }
            foreach (var file in files.Order(StringComparer.Ordinal))
                Insert(c, Path.GetFileNameWithoutExtension(file), XElement.Load(file), tx);
            tx.Commit();
            services.GetRequiredService<ILogger<KeysInDatabase>>().LogWarning(
                "Moved {Count} Data Protection key(s) from {Folder} into the database (table {Table}); the folder is no longer read and can be deleted once a backup has been taken",
                files.Length, folder, KeysTable);
        }

        private static void Insert(SqliteConnection c, string friendlyName, XElement element, SqliteTransaction? tx = null)
        {
            using var insert = c.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = $"INSERT INTO \"{KeysTable}\" (FriendlyName, Xml) VALUES ($name, $xml)";
            insert.Parameters.AddWithValue("$name", friendlyName);
            insert.Parameters.AddWithValue("$xml", element.ToString(SaveOptions.DisableFormatting));
            insert.ExecuteNonQuery();
        }
    }
}

/// <summary>The key-encryption key from <see cref="DataProtectionSetup.KeyEncryptionKeySetting"/>, and its short id.</summary>
public sealed class KeyEncryptionKey
{
    private KeyEncryptionKey(byte[] key) => Key = key;

    public byte[] Key { get; }

    /// <summary>The first 8 bytes of its SHA-256, in hex: names which key encrypted a key ring, never the key itself.</summary>
    public string Id => Convert.ToHexString(SHA256.HashData(Key))[..16];

    /// <summary>Null when not configured. A malformed value is refused at start-up by <see cref="SettingsLoader"/>.</summary>
    public static KeyEncryptionKey? From(IConfiguration config) =>
        Parse(config[DataProtectionSetup.KeyEncryptionKeySetting], out var kek) ? kek : null;

    public static bool Parse(string? value, out KeyEncryptionKey? kek)
    {
        kek = null;
        if (string.IsNullOrWhiteSpace(value)) return false;
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(value.Trim(), bytes, out var n) || n != 32) return false;
        kek = new KeyEncryptionKey(bytes[..32]);
        return true;
    }
}

/// <summary>Encrypts each key's descriptor with AES-256-GCM under the key-encryption key.</summary>
public sealed class KeyEncryptionKeyEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    internal const string ElementName = "liandongEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(kek.Key, tag.Length)) aes.Encrypt(nonce, plain, cipher, tag);
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement(ElementName,
            new XComment(" AES-256-GCM under DataProtection:KeyEncryptionKey (docs/operations.md) "),
            new XAttribute("kekId", kek.Id),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("cipherText", Convert.ToBase64String(cipher)));
        return new EncryptedXmlInfo(element, typeof(KeyEncryptionKeyDecryptor));
    }
}

/// <summary>Made by Data Protection from the type name stored beside each encrypted key.</summary>
public sealed class KeyEncryptionKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var stored = (string?)encryptedElement.Attribute("kekId");
        var kek = KeyEncryptionKey.From(services.GetRequiredService<IConfiguration>())
            ?? throw new CryptographicException(
                $"The Data Protection keys are encrypted (key-encryption key {stored}) but {DataProtectionSetup.KeyEncryptionKeySetting} is not set");
        if (stored != kek.Id)
            throw new CryptographicException(
                $"The Data Protection keys were encrypted with key-encryption key {stored}; {DataProtectionSetup.KeyEncryptionKeySetting} is {kek.Id}");
        var nonce = Convert.FromBase64String((string)encryptedElement.Element("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Element("tag")!);
        var cipher = Convert.FromBase64String((string)encryptedElement.Element("cipherText")!);
        var plain = new byte[cipher.Length];
        using (var aes = new AesGcm(kek.Key, tag.Length)) aes.Decrypt(nonce, cipher, tag, plain);
        try { return XElement.Parse(Encoding.UTF8.GetString(plain)); }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}
