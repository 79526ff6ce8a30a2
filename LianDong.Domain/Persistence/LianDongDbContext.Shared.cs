using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Merchants;
using LianDong.Domain.Payouts;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Persistence;

public partial class LianDongDbContext
{
    public DbSet<Merchant> Merchants => Set<Merchant>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<PayoutAccount> PayoutAccounts => Set<PayoutAccount>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
}
