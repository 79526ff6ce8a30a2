using LianDong.Domain.Compliance;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class SqliteFileTests
{
    [Fact]
    public async Task Migrate_write_and_read_back_on_a_real_file()
    {
        using var db = new TempDatabase();
        var at = new DateTimeOffset(2026, 11, 22, 8, 30, 0, TimeSpan.FromHours(8));
        await using (var ctx = db.NewContext())
        {
            await ctx.Database.MigrateAsync();
            var merchant = new Merchant("M001", "好物供应链 Good Goods", "13800000000", at);
            ctx.Merchants.Add(merchant);
            await ctx.SaveChangesAsync();
            ctx.Users.Add(new AppUser { UserName = "m@x.test", Email = "m@x.test", MerchantId = merchant.Id, DisplayName = "张三" });
            ctx.AuditLog.Add(new AuditLogEntry(at, "admin@x.test", AuditActions.MerchantCreate, "merchant:M001", null, "code=M001"));
            await ctx.SaveChangesAsync();
        }

        Assert.True(File.Exists(db.FilePath));
        await using (var ctx = db.NewContext())
        {
            var merchant = await ctx.Merchants.SingleAsync();
            Assert.Equal(("M001", "好物供应链 Good Goods", "13800000000", at), (merchant.Code, merchant.Name, merchant.Contact, merchant.CreatedAt));
            var user = await ctx.Users.SingleAsync();
            Assert.Equal(merchant.Id, user.MerchantId);
            Assert.Equal("张三", user.DisplayName);
            var entry = await ctx.AuditLog.SingleAsync();
            Assert.Equal((at, "admin@x.test", "merchant.create", "merchant:M001", (string?)null, "code=M001"),
                (entry.At, entry.Actor, entry.Action, entry.Subject, entry.OldValue, entry.NewValue));

            var journal = await ctx.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
            Assert.Equal("wal", Assert.Single(journal));
            // Every commit reaches the disk before it returns: an acknowledged write survives a power cut (2 = FULL).
            Assert.Equal(2, Assert.Single(await ctx.Database.SqlQueryRaw<int>("PRAGMA synchronous").ToListAsync()));
        }
    }

    [Fact]
    public async Task Merchant_codes_are_unique_and_a_bound_merchant_cannot_be_deleted()
    {
        using var db = new TempDatabase();
        await using var ctx = db.NewContext();
        await ctx.Database.MigrateAsync();
        var merchant = new Merchant("M001", "A", null, DateTimeOffset.UtcNow);
        ctx.Merchants.Add(merchant);
        await ctx.SaveChangesAsync();
        ctx.Users.Add(new AppUser { UserName = "m@x.test", Email = "m@x.test", MerchantId = merchant.Id });
        await ctx.SaveChangesAsync();

        await using (var other = db.NewContext())
        {
            other.Merchants.Add(new Merchant("M001", "B", null, DateTimeOffset.UtcNow));
            await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        }
        await using (var other = db.NewContext())
        {
            other.Merchants.Remove(await other.Merchants.SingleAsync());
            await Assert.ThrowsAsync<DbUpdateException>(() => other.SaveChangesAsync());
        }
    }
}
