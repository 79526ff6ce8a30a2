using LianDong.Domain.Members;
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
