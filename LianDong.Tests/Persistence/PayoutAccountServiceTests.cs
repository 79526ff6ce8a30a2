using LianDong.Domain.Engine;
using LianDong.Domain.Payouts;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Persistence;

public class PayoutAccountServiceTests
{
    [Fact]
    public async Task Stores_encrypted_shows_masked_decrypts_for_export_and_audits()
    {
        await using var host = await EngineTestHost.CreateAsync();
        await host.At(EngineTestHost.Start, new RegisterMember("alice", null, EngineTestHost.Start));
        var id = await host.IdOf("alice");

        var (change, view) = await host.PayoutAccounts.SetAsync("alice", " 张三丰 ", "中国工商银行", "6222 0212 3456 7890", "api:test");
        Assert.Equal(PayoutAccountChange.Created, change);
        Assert.Equal("张**", view.AccountName);
        Assert.Equal("****7890", view.AccountNo);
        Assert.Equal("中国工商银行", view.BankName);

        // The same details again change nothing and write no audit row.
        var (again, _) = await host.PayoutAccounts.SetAsync("alice", "张三丰", "中国工商银行", "6222021234567890", "api:test");
        Assert.Equal(PayoutAccountChange.Unchanged, again);

        var (updated, view2) = await host.PayoutAccounts.SetAsync("alice", "张三丰", "招商银行", "6225880011112222", "api:test");
        Assert.Equal(PayoutAccountChange.Updated, updated);
        Assert.Equal("****2222", view2.AccountNo);

        await using (var db = await host.Db.CreateDbContextAsync())
        {
            var row = await db.PayoutAccounts.SingleAsync();
            Assert.DoesNotContain("6225880011112222", row.Protected);
            Assert.DoesNotContain("张三丰", row.Protected);
            var audits = await db.AuditLog.Where(a => a.Action == PayoutAccountService.AuditAction).OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(2, audits.Count);
            Assert.Equal("member:alice", audits[1].Subject);
            Assert.Equal("张** / 中国工商银行 / ****7890", audits[1].OldValue);
            Assert.Equal("张** / 招商银行 / ****2222", audits[1].NewValue);
            Assert.DoesNotContain(audits, a => (a.NewValue ?? "").Contains("6225880011112222"));
        }

        Assert.Equal(new PayoutAccountDetails("张三丰", "招商银行", "6225880011112222"), await host.PayoutAccounts.GetDetailsAsync(id));
        Assert.Equal("****2222", (await host.PayoutAccounts.GetMaskedAsync(id))!.AccountNo);
    }

    [Fact]
    public async Task Refuses_unknown_member_and_bad_fields_by_name()
    {
        await using var host = await EngineTestHost.CreateAsync();
        await host.At(EngineTestHost.Start, new RegisterMember("bob", null, EngineTestHost.Start));

        await Assert.ThrowsAsync<UnknownReferenceException>(() => host.PayoutAccounts.SetAsync("nobody", "A", "B", "12345678", "t"));
        Assert.Equal("accountName", (await Assert.ThrowsAsync<PayoutAccountValidationException>(() => host.PayoutAccounts.SetAsync("bob", " ", "B", "12345678", "t"))).Field);
        Assert.Equal("bankName", (await Assert.ThrowsAsync<PayoutAccountValidationException>(() => host.PayoutAccounts.SetAsync("bob", "A", null, "12345678", "t"))).Field);
        Assert.Equal("accountNo", (await Assert.ThrowsAsync<PayoutAccountValidationException>(() => host.PayoutAccounts.SetAsync("bob", "A", "B", "12#45678", "t"))).Field);
        Assert.Null(await host.PayoutAccounts.GetMaskedAsync(await host.IdOf("bob")));
    }
}
