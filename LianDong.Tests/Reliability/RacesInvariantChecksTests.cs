using LianDong.Domain.Payouts;
using LianDong.Tests.Support;
using Microsoft.Data.Sqlite;

namespace LianDong.Tests.Reliability;

/// <summary>The invariant checks the race tests rely on do catch what they claim to: a clean database passes, a damaged one does not.</summary>
public class RacesInvariantChecksTests
{
    [Fact]
    public async Task A_clean_database_passes_and_each_kind_of_damage_is_reported()
    {
        await using var h = await Finance.FinanceScenario.CreateAsync("A", "D");
        var payouts = h.Get<PayoutService>();
        var batch = await payouts.BuildAsync("fin1@test");
        await payouts.ApproveAsync(batch.Id, "fin2@test");
        await InvariantChecks.AssertAllAsync(h.DbPath);

        LianDong.Domain.Persistence.PersistenceServiceCollectionExtensions.ReleasePool($"Data Source={h.DbPath}");
        await using (var c = new SqliteConnection($"Data Source={h.DbPath};Pooling=False"))
        {
            await c.OpenAsync();
            foreach (var sql in new[]
                     {
                         // A paid entry moved back without a recorded change (and without its line failing).
                         "UPDATE LedgerEntries SET Status = 2 WHERE Id = (SELECT MAX(Id) FROM LedgerEntries WHERE Status = 3)",
                         // A cached counter off by one.
                         "UPDATE Members SET TeamSize = TeamSize + 1 WHERE ExternalId = 'D'",
                         // An entry settled twice.
                         "INSERT INTO LedgerStatusChanges (EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId) SELECT EntryId, FromStatus, ToStatus, At, Actor, NightlyRunId FROM LedgerStatusChanges WHERE FromStatus = 0 AND ToStatus = 2 ORDER BY Id LIMIT 1",
                         // A settlement line that is not what its run settled.
                         "UPDATE SettlementLines SET AmountFen = AmountFen + 1 WHERE Id = (SELECT MIN(Id) FROM SettlementLines)",
                         // A payout line that no longer sums its entries.
                         "UPDATE PayoutLines SET AmountFen = AmountFen - 1 WHERE Id = (SELECT MIN(Id) FROM PayoutLines)",
                     })
            {
                await using var cmd = c.CreateCommand();
                cmd.CommandText = sql;
                Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
            }
        }

        var (problems, _) = await InvariantChecks.CheckAsync(h.DbPath);
        var all = string.Join("\n", problems);
        Assert.Contains("is Available but its history ends at Paid", all);
        Assert.Contains("is Available but in 1 live payout lines", all);
        Assert.Contains("member D: counters", all);
        Assert.Contains("settled 2 times", all);
        Assert.Contains("do not match the", all);
        Assert.Contains("is not the sum of its member's entries", all);
    }
}
