using LianDong.Domain.Packs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LianDong.Domain.Persistence.EntityConfigurations;

internal sealed class PackImageConfiguration : IEntityTypeConfiguration<PackImage>
{
    public void Configure(EntityTypeBuilder<PackImage> b)
    {
        b.ToTable("PackImages");
        b.HasKey(x => x.Id);
        b.Property(x => x.FileName).HasMaxLength(100).IsRequired();
        b.Property(x => x.ContentType).HasMaxLength(40).IsRequired();
        b.Property(x => x.Content).IsRequired();
        b.Property(x => x.CreatedAt).Ticks();
        b.HasIndex(x => x.FileName).IsUnique();
    }
}
