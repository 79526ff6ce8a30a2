using LianDong.Console.Api;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Api;

/// <summary>
/// A key's last use is informational: recording it never makes a storefront request wait for SQLite's one writer or
/// fail because the writer is busy (a long nightly step, another process), and many requests with a fresh key write it once.
/// </summary>
public class ApiKeyUsageTests
{
    [Fact]
    public async Task Requests_with_a_fresh_key_are_answered_while_another_connection_holds_the_write_lock_and_the_use_is_recorded_afterwards()
    {
        await using var host = await ApiHost.StartAsync();
        var store = host.Get<ApiKeyStore>();
        var (row, secret) = await store.CreateAsync("fresh", null, "test");
        var client = host.ClientWith(secret);
        string connectionString;
        await using (var db = await host.Get<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
            connectionString = db.Database.GetConnectionString()!;

        await using (var writer = new SqliteConnection(connectionString))
        {
            await writer.OpenAsync();
            await using (var begin = writer.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync();
            }
            // With the write lock taken elsewhere, 50 requests at once still get their answers (not a wait of the 30 s
            // busy timeout, not a 500 when it runs out).
            var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.GetAsync2("/api/v1/members/nobody")))
                .WaitAsync(TimeSpan.FromSeconds(20));
            Assert.All(answers, a => Assert.True(a.Status == 404, $"{a.Status} {a.Body?.ToJsonString()}"));
            Assert.Null((await store.ListAsync()).Single(k => k.Id == row.Id).LastUsedAt);
            await using var rollback = writer.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync();
        }

        await store.UsageRecorded().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(host.Clock.Now, (await store.ListAsync()).Single(k => k.Id == row.Id).LastUsedAt);
        Assert.Equal(1, store.UsageWrites);
    }
}
