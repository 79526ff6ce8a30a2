using LianDong.Domain.Compliance;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using LianDong.Domain.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace LianDong.Domain.Persistence.EntityConfigurations;

/// <summary>
/// Instants are stored as UTC ticks (INTEGER) so every provider compares and orders them in SQL
/// (EF's SQLite provider cannot compare DateTimeOffset columns).
/// </summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

internal sealed class NullableUtcTicksConverter() : ValueConverter<DateTimeOffset?, long?>(
    v => v.HasValue ? v.Value.UtcTicks : null, v => v.HasValue ? new DateTimeOffset(v.Value, TimeSpan.Zero) : null);

internal static class EngineMapping
{
    public static PropertyBuilder<DateTimeOffset> Ticks(this PropertyBuilder<DateTimeOffset> p) => p.HasConversion(new UtcTicksConverter());
    public static PropertyBuilder<DateTimeOffset?> Ticks(this PropertyBuilder<DateTimeOffset?> p) => p.HasConversion(new NullableUtcTicksConverter());
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> b)
    {
        b.ToTable("Members");
        b.HasKey(x => x.Id);
        b.Property(x => x.ExternalId).HasMaxLength(64).IsRequired();
        b.HasIndex(x => x.ExternalId).IsUnique();
        b.Property(x => x.Path).HasMaxLength(4000).IsRequired(); // compared byte-wise (SQLite BINARY; use an ordinal collation on a server)
        b.Property(x => x.RegisteredAt).Ticks();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.ReferrerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.LeaderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.FormerLeaderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.PeerBeneficiaryId).OnDelete(DeleteBehavior.Restrict);
        // Direct referrals paged by keyset; a team's members paged; a subtree is one range of Path.
        b.HasIndex(x => new { x.ReferrerId, x.Id });
        // Partial where the column is mostly NULL (ADR 0072): a row with NULL there costs that index nothing, and
        // every query on it compares with a value (LeaderId = @id), which SQLite knows implies IS NOT NULL.
        b.HasIndex(x => new { x.LeaderId, x.Id }).HasFilter("\"LeaderId\" IS NOT NULL");
        b.HasIndex(x => x.FormerLeaderId).HasFilter("\"FormerLeaderId\" IS NOT NULL");
        b.HasIndex(x => x.PeerBeneficiaryId).HasFilter("\"PeerBeneficiaryId\" IS NOT NULL");
        b.HasIndex(x => x.Path);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Phone).HasMaxLength(32);
        b.HasIndex(x => x.Phone);
        b.HasIndex(x => x.Name); // prefix search: Name >= @p AND Name < @p + U+FFFF
        b.Ignore(x => x.AncestorIds);
        b.Ignore(x => x.DescendantPathPrefix);
    }
}

internal sealed class MemberRankChangeConfiguration : IEntityTypeConfiguration<MemberRankChange>
{
    public void Configure(EntityTypeBuilder<MemberRankChange> b)
    {
        b.ToTable("MemberRankChanges");
        b.HasKey(x => x.Id);
        b.Property(x => x.At).Ticks();
        b.Property(x => x.Reason).HasMaxLength(32).IsRequired();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.MemberId, x.Id });
        b.HasIndex(x => new { x.At, x.ToRank }); // dashboard: the last 30 days of promotions, covering
    }
}

internal sealed class GiftPackConfiguration : IEntityTypeConfiguration<GiftPack>
{
    public void Configure(EntityTypeBuilder<GiftPack> b)
    {
        b.ToTable("GiftPacks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Code).HasMaxLength(64).IsRequired();
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Name).HasMaxLength(200).IsRequired();
        b.Property(x => x.Description).HasMaxLength(2000);
        b.Property(x => x.ImageFile).HasMaxLength(200);
        b.Property(x => x.CreatedAt).Ticks();
        b.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.MerchantId, x.Code });
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("Orders");
        b.HasKey(x => x.Id);
        b.Property(x => x.ExternalId).HasMaxLength(64).IsRequired();
        b.HasIndex(x => x.ExternalId).IsUnique();
        b.Property(x => x.PaidAt).Ticks();
        b.Property(x => x.RefundedAt).Ticks();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<GiftPack>().WithMany().HasForeignKey(x => x.PackId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RuleSet>().WithMany().HasForeignKey(x => x.RuleSetId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.MemberId, x.Id });
        b.HasIndex(x => new { x.PackId, x.PaidAt });
        // Dashboard pack revenue: the refunded pack orders (few) are subtracted from the aggregate; covering.
        b.HasIndex(x => new { x.RefundedAt, x.Kind, x.PackId, x.PriceFen });
        b.Ignore(x => x.IsRefunded);
    }
}

internal sealed class RuleSetConfiguration : IEntityTypeConfiguration<RuleSet>
{
    public void Configure(EntityTypeBuilder<RuleSet> b)
    {
        b.ToTable("RuleSets");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.Version).IsUnique();
        b.Property(x => x.EffectiveFrom).Ticks();
        // Unique among the versions that can take effect: a withdrawn version's time may be published again.
        b.HasIndex(x => x.EffectiveFrom).IsUnique().HasFilter("\"WithdrawnAt\" IS NULL");
        b.Property(x => x.PublishedAt).Ticks();
        b.Property(x => x.PublishedBy).HasMaxLength(256).IsRequired();
        b.Property(x => x.WithdrawnAt).Ticks();
        b.Property(x => x.WithdrawnBy).HasMaxLength(256);
        b.Ignore(x => x.IsWithdrawn);
        b.Property(x => x.TimeZone).HasMaxLength(64).IsRequired();
        b.Ignore(x => x.Parameters);
    }
}

internal sealed class ChannelTaskConfiguration : IEntityTypeConfiguration<ChannelTask>
{
    public void Configure(EntityTypeBuilder<ChannelTask> b)
    {
        b.ToTable("ChannelTasks");
        b.HasKey(x => x.Id);
        b.Property(x => x.CreatedAt).Ticks();
        b.Property(x => x.Deadline).Ticks();
        b.Property(x => x.ClosedAt).Ticks();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.SeedMemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.QualifyingOrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RuleSet>().WithMany().HasForeignKey(x => x.RuleSetId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.SeedMemberId, x.Id });
        b.HasIndex(x => new { x.PartnerId, x.Status });
        b.HasIndex(x => new { x.Status, x.DeadlineDate }); // nightly step 1
    }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    /// <summary>The Pending entries by settlement date; the nightly's settle step names it (INDEXED BY).</summary>
    internal const string PendingBySettlesOnIndex = "IX_LedgerEntries_Pending_SettlesOn";

    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("LedgerEntries");
        b.HasKey(x => x.Id);
        b.Property(x => x.PostedAt).Ticks();
        b.Property(x => x.IdempotencyKey).HasMaxLength(128).IsRequired();
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.BeneficiaryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RuleSet>().WithMany().HasForeignKey(x => x.RuleSetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ChannelTask>().WithMany().HasForeignKey(x => x.ChannelTaskId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => x.ReversesEntryId).OnDelete(DeleteBehavior.Restrict);
        // A member's statement, keyset-paged, and its balance sums (ADR 0072). Status is in no full index of the ledger:
        // a status move (a nightly run moves millions at once) rewrites the row and leaves or enters only the partial
        // indexes below, instead of moving the entry around a random page of an index on the member.
        b.HasIndex(x => new { x.BeneficiaryId, x.Id });
        b.HasIndex(x => new { x.OrderId, x.Id });
        // Partial indexes (ADR 0072): each holds only the entries a nightly step looks for, so a posting that is not
        // Pending/Frozen/linked skips them and a status move takes the entry out (one delete, no re-insert). Queries
        // must compare Status with the literal value (EF inlines enum constants; raw SQL writes the number). Status is
        // also a column of each, because SQLite counts an index as covering only when it holds every column a query names.
        b.HasIndex(x => new { x.SettlesOn, x.BeneficiaryId, x.AmountFen, x.Status }).HasDatabaseName(PendingBySettlesOnIndex)
            .HasFilter($"\"Status\" = {(int)EntryStatus.Pending}");                                    // nightly step 3
        b.HasIndex(x => new { x.ChannelTaskId, x.BeneficiaryId, x.AmountFen, x.Status }).HasDatabaseName("IX_LedgerEntries_Frozen_ChannelTaskId")
            .HasFilter($"\"Status\" = {(int)EntryStatus.Frozen}");                                     // steps 1–2, frozen sums
        b.HasIndex(x => x.ReversesEntryId).HasFilter("\"ReversesEntryId\" IS NOT NULL");
    }
}

internal sealed class LedgerStatusChangeConfiguration : IEntityTypeConfiguration<LedgerStatusChange>
{
    public void Configure(EntityTypeBuilder<LedgerStatusChange> b)
    {
        b.ToTable("LedgerStatusChanges");
        b.HasKey(x => x.Id);
        b.Property(x => x.At).Ticks();
        b.Property(x => x.Actor).HasMaxLength(256).IsRequired();
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<NightlyRun>().WithMany().HasForeignKey(x => x.NightlyRunId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.EntryId, x.Id });
        b.HasIndex(x => new { x.NightlyRunId, x.ToStatus });
    }
}

internal sealed class SupportFundMovementConfiguration : IEntityTypeConfiguration<SupportFundMovement>
{
    public void Configure(EntityTypeBuilder<SupportFundMovement> b)
    {
        b.ToTable("SupportFundMovements");
        b.HasKey(x => x.Id);
        b.Property(x => x.At).Ticks();
        b.Property(x => x.Actor).HasMaxLength(256).IsRequired();
        b.Property(x => x.GrantId).HasMaxLength(128);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => x.LedgerEntryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<NightlyRun>().WithMany().HasForeignKey(x => x.NightlyRunId).OnDelete(DeleteBehavior.Restrict);
        // At most one forfeit and one take-back per entry; one movement per grant id (NULLs do not collide).
        b.HasIndex(x => new { x.LedgerEntryId, x.Kind }).IsUnique();
        b.HasIndex(x => x.GrantId).IsUnique();
        b.HasIndex(x => new { x.Kind, x.AmountFen });
    }
}

internal sealed class NightlyRunConfiguration : IEntityTypeConfiguration<NightlyRun>
{
    public void Configure(EntityTypeBuilder<NightlyRun> b)
    {
        b.ToTable("NightlyRuns");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.BusinessDate).IsUnique();
        b.Property(x => x.StartedAt).Ticks();
        b.Property(x => x.EndedAt).Ticks();
        b.Property(x => x.Actor).HasMaxLength(256).IsRequired();
        b.Property(x => x.Error).HasMaxLength(4000);
        b.Property(x => x.Runner).HasMaxLength(300);
    }
}

internal sealed class SettlementBatchConfiguration : IEntityTypeConfiguration<SettlementBatch>
{
    public void Configure(EntityTypeBuilder<SettlementBatch> b)
    {
        b.ToTable("SettlementBatches");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.BusinessDate).IsUnique();
        b.Property(x => x.CreatedAt).Ticks();
        b.HasOne<NightlyRun>().WithMany().HasForeignKey(x => x.NightlyRunId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SettlementLineConfiguration : IEntityTypeConfiguration<SettlementLine>
{
    public void Configure(EntityTypeBuilder<SettlementLine> b)
    {
        b.ToTable("SettlementLines");
        b.HasKey(x => x.Id);
        b.HasOne<SettlementBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.BatchId, x.MemberId }).IsUnique();
        b.HasIndex(x => new { x.MemberId, x.BatchId });
    }
}

internal sealed class WithheldRewardConfiguration : IEntityTypeConfiguration<WithheldReward>
{
    public void Configure(EntityTypeBuilder<WithheldReward> b)
    {
        b.ToTable("WithheldRewards");
        b.HasKey(x => x.Id);
        b.Property(x => x.At).Ticks();
        b.Property(x => x.Reason).HasMaxLength(64).IsRequired();
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.BeneficiaryId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<RuleSet>().WithMany().HasForeignKey(x => x.RuleSetId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.Slot).HasMaxLength(32).IsRequired();
        b.HasIndex(x => new { x.OrderId, x.Slot, x.BeneficiaryId }).IsUnique();
        b.HasIndex(x => new { x.BeneficiaryId, x.Id });
    }
}

internal sealed class LedgerDailyTotalConfiguration : IEntityTypeConfiguration<LedgerDailyTotal>
{
    public void Configure(EntityTypeBuilder<LedgerDailyTotal> b)
    {
        b.ToTable("LedgerDailyTotals");
        b.HasKey(x => x.Id);
        b.Ignore(x => x.Key);
        b.HasOne<GiftPack>().WithMany().HasForeignKey(x => x.PackId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PackOrderTotalConfiguration : IEntityTypeConfiguration<PackOrderTotal>
{
    public void Configure(EntityTypeBuilder<PackOrderTotal> b)
    {
        b.ToTable("PackOrderTotals");
        b.HasKey(x => x.Id);
        b.HasIndex(x => x.PackId).IsUnique();
        b.HasOne<GiftPack>().WithMany().HasForeignKey(x => x.PackId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LedgerTotalsWatermarkConfiguration : IEntityTypeConfiguration<LedgerTotalsWatermark>
{
    public void Configure(EntityTypeBuilder<LedgerTotalsWatermark> b)
    {
        b.ToTable("LedgerTotalsWatermarks");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.RefreshedAt).Ticks();
    }
}
