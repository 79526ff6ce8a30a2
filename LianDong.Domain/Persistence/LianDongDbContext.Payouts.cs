using LianDong.Domain.Payouts;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Persistence;

public partial class LianDongDbContext
{
    public DbSet<PayoutBatch> PayoutBatches => Set<PayoutBatch>();
    public DbSet<PayoutLine> PayoutLines => Set<PayoutLine>();
    public DbSet<PayoutLineEntry> PayoutLineEntries => Set<PayoutLineEntry>();
}
