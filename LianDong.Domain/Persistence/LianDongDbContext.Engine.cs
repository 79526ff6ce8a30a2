using LianDong.Domain.Compliance;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Persistence;

public partial class LianDongDbContext
{
    public DbSet<Member> Members => Set<Member>();
    public DbSet<MemberRankChange> MemberRankChanges => Set<MemberRankChange>();
    public DbSet<GiftPack> GiftPacks => Set<GiftPack>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<RuleSet> RuleSets => Set<RuleSet>();
    public DbSet<ChannelTask> ChannelTasks => Set<ChannelTask>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    public DbSet<LedgerStatusChange> LedgerStatusChanges => Set<LedgerStatusChange>();
    public DbSet<SupportFundMovement> SupportFundMovements => Set<SupportFundMovement>();
    public DbSet<NightlyRun> NightlyRuns => Set<NightlyRun>();
    public DbSet<SettlementBatch> SettlementBatches => Set<SettlementBatch>();
    public DbSet<SettlementLine> SettlementLines => Set<SettlementLine>();
    public DbSet<WithheldReward> WithheldRewards => Set<WithheldReward>();
    public DbSet<LedgerDailyTotal> LedgerDailyTotals => Set<LedgerDailyTotal>();
    public DbSet<PackOrderTotal> PackOrderTotals => Set<PackOrderTotal>();
    public DbSet<LedgerTotalsWatermark> LedgerTotalsWatermarks => Set<LedgerTotalsWatermark>();
}
