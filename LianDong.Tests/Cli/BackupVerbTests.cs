using System.Collections.Concurrent;
using LianDong.Console.Cli;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Cli;

public class BackupVerbTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_backup_taken_under_load_restores_to_a_console_whose_invariants_hold()
    {
        await using var live = await ApiHost.StartAsync();
        var client = await live.ClientAsync();
        await client.PutPackAsync("GP499", "M1");
        await client.JoinAsync("root", null, T0);

        // Four writers join members under the ones before them (registration + pack order: entries, rank changes,
        // team counters) while the backup runs.
        var acknowledged = new ConcurrentQueue<(string Member, DateTime At)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var referrer = "root";
            for (var i = 0; !stop.IsCancellationRequested && i < 400; i++)
            {
                var id = $"w{w}-{i}";
                await client.JoinAsync(id, i % 3 == 0 ? "root" : referrer, T0.AddMinutes(i + 1));
                acknowledged.Enqueue((id, DateTime.UtcNow));
                referrer = id;
            }
        })).ToList();
        while (acknowledged.Count < 40) await Task.Delay(20);

        var backupFolder = Directory.CreateTempSubdirectory("liandong-backup-").FullName;
        try
        {
            var file = Path.Combine(backupFolder, "copy.db");
            var started = DateTime.UtcNow;
            var ackedBefore = acknowledged.Where(a => a.At < started).Select(a => a.Member).ToList();
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var code = await CliRunner.RunAsync(["backup", "--out", file, $"--ConnectionStrings:Default={live.Database.ConnectionString}"], stdout, stderr);
            var ackedAfterBackup = acknowledged.Count;
            stop.Cancel();
            await Task.WhenAll(writers);
            Assert.True(code == CliRunner.Ok, stderr.ToString());
            Assert.Contains("backed up to", stdout.ToString());
            Assert.True(acknowledged.Count > ackedAfterBackup || ackedAfterBackup > ackedBefore.Count, "the writers did not write during the backup");

            // Restore as docs/operations.md says: the copy becomes the database file, and the console starts on it.
            using var restored = new TempDatabase();
            File.Copy(file, restored.FilePath);
            Assert.False(File.Exists(file + "-wal"), "the copy depends on a -wal file");
            await using var console = await ApiHost.StartAsync(new Dictionary<string, string> { ["ConnectionStrings:Default"] = restored.ConnectionString }, publishRules: false);
            Assert.Empty(await console.Get<MemberQueryService>().VerifyTeamCountersAsync());

            await using var db = restored.NewContext();
            var copied = await db.Members.Select(m => m.ExternalId).ToListAsync();
            Assert.All(ackedBefore, m => Assert.Contains(m, copied)); // nothing acknowledged before the backup began is missing
            Assert.Equal(copied.Count, copied.Distinct().Count());
            var conn = (SqliteConnection)db.Database.GetDbConnection();
            await conn.OpenAsync();
            await using (var fk = conn.CreateCommand())
            {
                fk.CommandText = "PRAGMA foreign_key_check;";
                await using var reader = await fk.ExecuteReaderAsync();
                Assert.False(await reader.ReadAsync(), "the copy has rows whose foreign keys point nowhere");
            }

            // Balances answered by the restored console are the sums of the copied entries, member by member.
            var sums = await db.LedgerEntries.GroupBy(e => new { e.BeneficiaryId, e.Status })
                .Select(g => new { g.Key.BeneficiaryId, g.Key.Status, Fen = g.Sum(e => e.AmountFen) }).ToListAsync();
            var ids = await db.Members.Select(m => new { m.Id, m.ExternalId }).ToListAsync();
            Assert.NotEmpty(sums);
            using var api = await console.ClientAsync();
            foreach (var m in ids.Where(m => m.ExternalId == "root" || m.ExternalId.EndsWith("-1", StringComparison.Ordinal) || m.ExternalId.EndsWith("0", StringComparison.Ordinal)))
            {
                var (status, body) = await api.GetAsync2($"/api/v1/members/{m.ExternalId}");
                Assert.Equal(200, status);
                long Sum(EntryStatus s) => sums.Where(x => x.BeneficiaryId == m.Id && x.Status == s).Sum(x => x.Fen);
                Assert.Equal(Sum(EntryStatus.Pending), (long)body!["pendingFen"]!);
                Assert.Equal(Sum(EntryStatus.Frozen), (long)body["frozenFen"]!);
                Assert.Equal(Sum(EntryStatus.Available), (long)body["availableFen"]!);
                Assert.Equal(Sum(EntryStatus.Paid), (long)body["paidFen"]!);
            }
            // The restored console takes writes again.
            Assert.Equal(201, (await api.PostAsync("/api/v1/members", new { memberId = "after-restore", referrerId = "root", registeredAt = T0.AddDays(1) })).Status);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(backupFolder, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_refuses_bad_targets_with_exit_1_and_missing_out_with_usage()
    {
        using var db = new TempDatabase();
        var setting = $"--ConnectionStrings:Default={db.ConnectionString}";
        Assert.Equal(CliRunner.Ok, await CliRunner.RunAsync(["migrate", setting], new StringWriter(), new StringWriter()));

        async Task<(int Code, string Err)> Run(params string[] args)
        {
            var err = new StringWriter();
            return (await CliRunner.RunAsync(["backup", .. args], new StringWriter(), err), err.ToString());
        }

        var (usage, usageErr) = await Run(setting);
        Assert.Equal(CliRunner.Usage, usage);
        Assert.Contains("--out FILE is required", usageErr);

        var (self, selfErr) = await Run("--out", db.FilePath, setting);
        Assert.Equal(CliRunner.BadInput, self);
        Assert.Contains("is the database itself", selfErr);

        var existing = Path.Combine(db.Folder, "exists.db");
        await File.WriteAllTextAsync(existing, "keep me");
        var (exists, existsErr) = await Run("--out", existing, setting);
        Assert.Equal(CliRunner.BadInput, exists);
        Assert.Contains("already exists", existsErr);
        Assert.Equal("keep me", await File.ReadAllTextAsync(existing));

        var (noFolder, noFolderErr) = await Run("--out", Path.Combine(db.Folder, "no", "such", "copy.db"), setting);
        Assert.Equal(CliRunner.BadInput, noFolder);
        Assert.Contains("does not exist", noFolderErr);

        var (noDb, noDbErr) = await Run("--out", Path.Combine(db.Folder, "copy.db"), $"--ConnectionStrings:Default=Data Source={Path.Combine(db.Folder, "missing.db")}");
        Assert.Equal(CliRunner.BadInput, noDb);
        Assert.Contains("does not exist", noDbErr);
        Assert.False(File.Exists(Path.Combine(db.Folder, "missing.db")), "a backup created the database it was to copy");
        Assert.Empty(Directory.GetFiles(db.Folder, "*.partial"));
    }
}
