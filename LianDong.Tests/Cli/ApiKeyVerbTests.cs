using LianDong.Console.Api;
using LianDong.Console.Cli;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Cli;

public class ApiKeyVerbTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await CliRunner.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public async Task Create_prints_a_working_key_once_and_stores_only_its_hash()
    {
        using var temp = new TempDatabase();
        var cs = $"--ConnectionStrings:Default={temp.ConnectionString}";
        var (code, stdout, _) = await Run("api-key", "create", "--name", "storefront", cs);
        Assert.Equal(CliRunner.Ok, code);
        var secret = stdout.Trim();
        Assert.StartsWith(ApiKeyStore.KeyPrefix, secret);

        await using (var db = temp.NewContext())
        {
            db.Merchants.Add(new Merchant("SHOP1", "Shop", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        var (code2, stdout2, stderr2) = await Run("api-key", "create", "--name", "shop key", "--merchant", "SHOP1", cs);
        Assert.Equal(CliRunner.Ok, code2);
        Assert.Contains("merchant SHOP1", stderr2);

        await using var sp = new ServiceCollection().AddSingleton(TimeProvider.System).AddLianDongPersistence(temp.ConnectionString)
            .AddSingleton<ApiKeyStore>().BuildServiceProvider();
        var store = sp.GetRequiredService<ApiKeyStore>();
        Assert.True((await store.AuthenticateAsync(secret))!.IsPlatform);
        Assert.Equal("SHOP1", (await store.AuthenticateAsync(stdout2.Trim()))!.MerchantCode);
        await using var ctx = temp.NewContext();
        Assert.DoesNotContain(await ctx.ApiKeys.Select(k => k.Hash).ToListAsync(), h => h == secret);
        Assert.Equal(2, await ctx.AuditLog.CountAsync(a => a.Action == ApiKeyStore.AuditCreate && a.Actor == ApiKeyVerb.Actor));
    }

    [Fact]
    public async Task Bad_input_exits_1_and_bad_usage_2()
    {
        using var temp = new TempDatabase();
        var (code, _, err) = await Run("api-key", "create", "--name", "x", "--merchant", "NOPE", $"--ConnectionStrings:Default={temp.ConnectionString}");
        Assert.Equal(CliRunner.BadInput, code);
        Assert.Contains("--merchant", err);
        Assert.Contains("NOPE", err);
        Assert.Equal(CliRunner.Usage, (await Run("api-key", "create")).Code);
        Assert.Equal(CliRunner.Usage, (await Run("api-key", "delete", "--name", "x")).Code);
        Assert.Equal(CliRunner.Usage, (await Run("api-key")).Code);
    }
}
