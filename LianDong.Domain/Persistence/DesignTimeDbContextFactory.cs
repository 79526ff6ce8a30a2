using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace LianDong.Domain.Persistence;

/// <summary>Lets <c>dotnet ef migrations add X --project LianDong.Domain</c> build the model without the console.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<LianDongDbContext>
{
    public LianDongDbContext CreateDbContext(string[] args)
    {
        var o = new DbContextOptionsBuilder<LianDongDbContext>();
        PersistenceServiceCollectionExtensions.Configure(o, "Data Source=design-time.db");
        return new LianDongDbContext(o.Options);
    }
}
