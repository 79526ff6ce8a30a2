using LianDong.Domain.Identity;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Payouts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LianDong.Domain.Persistence.EntityConfigurations;

internal sealed class PayoutAccountConfiguration : IEntityTypeConfiguration<PayoutAccount>
{
    public void Configure(EntityTypeBuilder<PayoutAccount> b)
    {
        b.ToTable("PayoutAccounts");
        b.HasKey(x => x.Id);
        b.HasOne<Member>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.MemberId).IsUnique();
        b.Property(x => x.Protected).IsRequired();
        b.Property(x => x.Fingerprint).HasMaxLength(64).IsRequired();
        b.Property(x => x.MaskedAccountName).HasMaxLength(16).IsRequired();
        b.Property(x => x.BankName).HasMaxLength(100).IsRequired();
        b.Property(x => x.MaskedAccountNo).HasMaxLength(16).IsRequired();
        b.Property(x => x.CreatedAt).Ticks();
        b.Property(x => x.UpdatedAt).Ticks();
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(100).IsRequired();
        b.Property(x => x.Prefix).HasMaxLength(16).IsRequired();
        b.Property(x => x.Hash).HasMaxLength(64).IsRequired();
        b.HasIndex(x => x.Hash).IsUnique();
        b.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.CreatedBy).HasMaxLength(256).IsRequired();
        b.Property(x => x.RevokedBy).HasMaxLength(256);
        b.Property(x => x.CreatedAt).Ticks();
        b.Property(x => x.RevokedAt).Ticks();
        b.Property(x => x.LastUsedAt).Ticks();
    }
}
