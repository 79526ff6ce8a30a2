using LianDong.Domain.Packs;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Persistence;

public partial class LianDongDbContext
{
    public DbSet<PackImage> PackImages => Set<PackImage>();
}
