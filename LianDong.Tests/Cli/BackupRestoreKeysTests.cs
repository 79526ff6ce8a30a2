using System.Security.Cryptography;
using LianDong.Console.Cli;
using LianDong.Console.Hosting;
using LianDong.Console.Export;
using LianDong.Console.Features.GiftPacks;
using LianDong.Domain.Engine;
using LianDong.Domain.Packs;
using LianDong.Domain.Persistence;
using LianDong.Domain.Payouts;
using LianDong.Domain.Settlement;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Cli;

/// <summary>
/// A backup is everything a restore needs: on a fresh folder with only the backup, the payout accounts decrypt, an
/// approved batch's bank file is made with the full account, and the packs' images are there.
/// </summary>
public class BackupRestoreKeysTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static async Task<string> BackUpAccountAsync(Dictionary<string, string> settings, string backupFolder)
    {
        await using var live = await ApiHost.StartAsync(settings);
        var client = await live.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("m1", null, T0);
        await live.Get<PayoutAccountService>().SetAsync("m1", "张三", "工商银行", "6222 0200 0012 3456 78", "test");
        // An approved payout batch for m1 (a direct reward, settled a week later) and a pack image: what a restore must keep.
        await client.JoinAsync("m2", "m1", T0.AddHours(1));
        await live.Get<NightlyRunService>().RunAsync(PlatformTime.LocalDate(T0).AddDays(8), "test");
        var batch = await live.Get<PayoutService>().BuildAsync("fin1@test");
        await live.Get<PayoutService>().ApproveAsync(batch.Id, "fin2@test");
        var image = await live.Get<PackImageStore>().SaveAsync("GP499", new MemoryStream(PngBytes), "pack.png", default);
        await live.Get<PackService>().SetImageAsync("GP499", image.FileName, "test");

        var file = Path.Combine(backupFolder, "liandong-backup.db");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await CliRunner.RunAsync(["backup", "--out", file, $"--ConnectionStrings:Default={live.Database.ConnectionString}"], stdout, stderr);
        Assert.True(code == CliRunner.Ok, stderr.ToString());
        Assert.Matches(@"; [1-9]\d* Data Protection key\(s\) included", stdout.ToString());
        return file;
    }

    private static readonly byte[] PngBytes = TestImages.Png1x1; // the store keeps only a well-formed picture

    /// <summary>Restores as docs/operations.md says: a fresh folder, the backup copied in as the database, the console started on it.</summary>
    private static async Task<PayoutAccountDetails?> RestoreAndReadAsync(string backup, Dictionary<string, string> settings, Func<ApiHost, Task>? alsoCheck = null)
    {
        using var fresh = new TempDatabase();
        File.Copy(backup, fresh.FilePath);
        Assert.Equal(["liandong.db"], Directory.GetFileSystemEntries(fresh.Folder).Select(Path.GetFileName));
        await using var console = await ApiHost.StartAsync(new Dictionary<string, string>(settings) { ["ConnectionStrings:Default"] = fresh.ConnectionString }, publishRules: false);
        await using var db = fresh.NewContext();
        var id = await db.Members.Where(m => m.ExternalId == "m1").Select(m => m.Id).SingleAsync();
        try
        {
            var details = await console.Get<PayoutAccountService>().GetDetailsAsync(id);
            if (alsoCheck is not null) await alsoCheck(console);
            return details;
        }
        finally { PersistenceServiceCollectionExtensions.ReleasePool(fresh.ConnectionString); }
    }

    /// <summary>On the restored console: the approved batch's bank file (full account) and the pack's image.</summary>
    private static async Task BankFileAndImageAsync(ApiHost console)
    {
        var batch = Assert.Single(await console.Get<PayoutService>().ListBatchesAsync());
        using var csv = new MemoryStream();
        using (var scope = console.Services.CreateScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ExportService>().PayoutBatchCsvAsync(batch.Id, csv, BankText.Utf8WithBom, "fin3@test"));
        var text = System.Text.Encoding.UTF8.GetString(csv.ToArray());
        Assert.Contains($"622202000012345678,张三,工商银行,100.00,奖励提现,{batch.Reference}-000001", text);
        string file;
        await using (var db = await console.Get<IDbContextFactory<LianDong.Domain.Persistence.LianDongDbContext>>().CreateDbContextAsync())
            file = (await db.GiftPacks.Where(p => p.Code == "GP499").Select(p => p.ImageFile).SingleAsync())!;
        Assert.Equal(PngBytes, (await console.Get<PackImageStore>().FindAsync(file, default))!.Content);
    }

    private static List<string> KeyXml(string databaseFile)
    {
        using var c = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT Xml FROM {DataProtectionSetup.KeysTable}";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    [Fact]
    public async Task A_backup_restored_onto_a_fresh_folder_decrypts_the_payout_accounts()
    {
        var backupFolder = Directory.CreateTempSubdirectory("liandong-backup-").FullName;
        try
        {
            var backup = await BackUpAccountAsync([], backupFolder);
            var details = await RestoreAndReadAsync(backup, [], BankFileAndImageAsync);
            Assert.Equal(new PayoutAccountDetails("张三", "工商银行", "622202000012345678"), details);
        }
        finally { Directory.Delete(backupFolder, recursive: true); }
    }

    [Fact]
    public async Task With_a_key_encryption_key_the_keys_at_rest_hold_no_key_material_and_a_restore_needs_that_key()
    {
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string> { [DataProtectionSetup.KeyEncryptionKeySetting] = kek };
        var backupFolder = Directory.CreateTempSubdirectory("liandong-backup-").FullName;
        try
        {
            var backup = await BackUpAccountAsync(settings, backupFolder);
            var xml = KeyXml(backup);
            Assert.NotEmpty(xml);
            Assert.All(xml, x =>
            {
                Assert.DoesNotContain("masterKey", x); // the descriptor with the raw key is only inside the cipher text
                Assert.Contains("encryptedSecret", x);
                Assert.Contains(KeyEncryptionKeyEncryptor.ElementName, x);
            });

            Assert.Equal("622202000012345678", (await RestoreAndReadAsync(backup, settings))?.AccountNo);
            // The file alone is not enough: without the key-encryption key the accounts cannot be read.
            await Assert.ThrowsAnyAsync<CryptographicException>(() => RestoreAndReadAsync(backup, []));
        }
        finally { Directory.Delete(backupFolder, recursive: true); }
    }

    [Fact]
    public async Task Without_a_key_encryption_key_the_keys_are_stored_in_clear_as_documented()
    {
        using var factory = new ConsoleFactory();
        factory.CreateClient().Dispose();
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");
        Assert.All(KeyXml(factory.Database.FilePath), x => Assert.Contains("masterKey", x));
    }

    [Fact]
    public async Task Keys_from_the_old_keys_folder_move_into_the_database_and_still_decrypt()
    {
        using var db = new TempDatabase();
        var folder = Path.Combine(db.Folder, DataProtectionSetup.KeysFolderName);
        var old = DataProtectionProvider.Create(new DirectoryInfo(folder), b => b.SetApplicationName("LianDong"));
        var sealedText = old.CreateProtector(PayoutAccountService.Purpose).Protect("an account of the old layout");

        using var factory = new ConsoleFactory(new Dictionary<string, string> { ["ConnectionStrings:Default"] = db.ConnectionString });
        factory.CreateClient().Dispose();
        var provider = factory.Services.GetRequiredService<IDataProtectionProvider>();
        Assert.Equal("an account of the old layout", provider.CreateProtector(PayoutAccountService.Purpose).Unprotect(sealedText));
        Assert.NotEmpty(KeyXml(db.FilePath));
        await Task.CompletedTask;
    }

    [Fact]
    public void A_malformed_key_encryption_key_is_refused_naming_the_setting_not_the_value()
    {
        var e = Assert.Throws<LianDong.Console.Settings.InvalidSettingsException>(() => LianDong.Console.Settings.SettingsLoader.Load(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(LianDong.Console.Settings.SettingsDefaults.AsConfiguration())
                .AddInMemoryCollection([new(DataProtectionSetup.KeyEncryptionKeySetting, "c2VjcmV0LXRvby1zaG9ydA==")]).Build()));
        Assert.Contains("DataProtection:KeyEncryptionKey is not base64 of 32 bytes", e.Message);
        Assert.DoesNotContain("c2VjcmV0", e.Message);
    }
}
