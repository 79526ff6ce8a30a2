using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Payouts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LianDong.Domain.Persistence.EntityConfigurations;

internal sealed class PayoutBatchConfiguration : IEntityTypeConfiguration<PayoutBatch>
{
    public void Configure(EntityTypeBuilder<PayoutBatch> b)
    {
        b.ToTable("PayoutBatches");
        b.HasKey(x => x.Id);
        b.Property(x => x.CreatedAt).Ticks();
        b.Property(x => x.ApprovedAt).Ticks();
        b.Property(x => x.ExportedAt).Ticks();
        b.Property(x => x.ClosedAt).Ticks();
        b.Property(x => x.CreatedBy).HasMaxLength(256).IsRequired();
        b.Property(x => x.ApprovedBy).HasMaxLength(256);
        b.HasIndex(x => x.Status);
        b.Ignore(x => x.Reference);
    }
}

internal sealed class PayoutLineConfiguration : IEntityTypeConfiguration<PayoutLine>
{
    public void Configure(EntityTypeBuilder<PayoutLine> b)
    {
        b.ToTable("PayoutLines");
        b.HasKey(x => x.Id);
        b.HasOne<PayoutBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.MaskedAccountName).HasMaxLength(100).IsRequired();
        b.Property(x => x.BankName).HasMaxLength(100).IsRequired();
        b.Property(x => x.MaskedAccountNo).HasMaxLength(64).IsRequired();
        b.Property(x => x.Reference).HasMaxLength(32).IsRequired();
        b.Property(x => x.ResolvedBy).HasMaxLength(256);
        b.Property(x => x.FailureReason).HasMaxLength(500);
        b.Property(x => x.ProtectedAccount).HasMaxLength(4000);
        b.Property(x => x.ResolvedAt).Ticks();
        b.HasIndex(x => x.Reference).IsUnique();
        // One line per member per batch; a member's lines by status (is the member in an open batch?).
        b.HasIndex(x => new { x.BatchId, x.MemberId }).IsUnique();
        b.HasIndex(x => new { x.MemberId, x.Status });
    }
}

internal sealed class PayoutLineEntryConfiguration : IEntityTypeConfiguration<PayoutLineEntry>
{
    public void Configure(EntityTypeBuilder<PayoutLineEntry> b)
    {
        b.ToTable("PayoutLineEntries");
        b.HasKey(x => x.Id);
        b.HasOne<PayoutLine>().WithMany().HasForeignKey(x => x.LineId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LedgerEntry>().WithMany().HasForeignKey(x => x.EntryId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.LineId, x.EntryId }).IsUnique();
        b.HasIndex(x => x.EntryId);
    }
}
