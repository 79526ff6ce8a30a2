using LianDong.Domain.Engine;
using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Merchants;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>The engine's services over a fresh, migrated SQLite file; deleted on dispose.</summary>
public sealed class EngineTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _sp;
    public string DbPath { get; }
    public TestClock Clock { get; }
    public long MerchantId { get; private set; }

    private EngineTestHost(string path, TestClock clock, ServiceProvider sp) { DbPath = path; Clock = clock; _sp = sp; }

    public static Task<EngineTestHost> CreateAsync(RuleParameters? rules = null, params (string Code, long Price, long Cost)[] packs) =>
        CreateAtAsync(Path.Combine(Path.GetTempPath(), $"liandong-test-{Guid.NewGuid():N}.db"), rules, packs);

    /// <summary>As <see cref="CreateAsync"/>, on the database file <paramref name="path"/> (e.g. in a folder a console process uses).</summary>
    public static async Task<EngineTestHost> CreateAtAsync(string path, RuleParameters? rules = null, params (string Code, long Price, long Cost)[] packs)
    {
        var clock = new TestClock(Start);
        var services = new ServiceCollection().AddLianDongPersistence($"Data Source={path}").AddSingleton<TimeProvider>(clock).AddLianDongEngine();
        var sp = services.AddDataProtection().Services.BuildServiceProvider();
        var host = new EngineTestHost(path, clock, sp);
        await using (var db = await host.Db.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            var merchant = new Merchant("M1", "Merchant", null, clock.Now);
            db.Merchants.Add(merchant);
            await db.SaveChangesAsync();
            host.MerchantId = merchant.Id;
        }
        await host.RuleSets.PublishAsync(rules ?? RuleParameters.Defaults, Start, "test");
        if (packs.Length == 0) packs = [("GP499", 49900, 17900)];
        foreach (var (code, price, cost) in packs)
        {
            await host.Packs.CreateAsync(host.MerchantId, code, code, price, cost, 100);
            await host.Packs.SwitchOnAsync(code, "test");
        }
        return host;
    }

    public IDbContextFactory<LianDongDbContext> Db => _sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>();
    public RewardEngineService Engine => _sp.GetRequiredService<RewardEngineService>();
    public RuleSetService RuleSets => _sp.GetRequiredService<RuleSetService>();
    public PackService Packs => _sp.GetRequiredService<PackService>();
    public NightlyRunService Nightly => _sp.GetRequiredService<NightlyRunService>();
    public SupportFundService Fund => _sp.GetRequiredService<SupportFundService>();
    public LedgerService Ledger => _sp.GetRequiredService<LedgerService>();
    public LedgerQueryService LedgerQueries => _sp.GetRequiredService<LedgerQueryService>();
    public MemberQueryService Members => _sp.GetRequiredService<MemberQueryService>();
    public T Get<T>() where T : notnull => _sp.GetRequiredService<T>();
    public PayoutAccountService PayoutAccounts => _sp.GetRequiredService<PayoutAccountService>();
    public WhatIfService WhatIf => _sp.GetRequiredService<WhatIfService>();

    /// <summary>Advances the clock to <paramref name="at"/> and applies the event.</summary>
    public Task<ApplyOutcome> At(DateTimeOffset at, EngineEvent e)
    {
        Clock.Now = at;
        return Engine.ApplyAsync(e);
    }

    public async Task RegisterAndPayAsync(string member, string? referrer, DateTimeOffset at)
    {
        await At(at, new RegisterMember(member, referrer, at));
        await At(at.AddMinutes(1), new PayPackOrder("o" + member, member, "GP499", at.AddMinutes(1)));
    }

    public async Task<IReadOnlyList<NightlyRunSummary>> NightlyAsync(DateOnly date)
    {
        Clock.Now = PlatformTime.EndOfLocalDay(date);
        return await Nightly.RunAsync(date, "test");
    }

    public async Task<long> IdOf(string externalId) => (await Members.FindAsync(externalId))!.Id;

    public async ValueTask DisposeAsync()
    {
        await _sp.DisposeAsync();
        PersistenceServiceCollectionExtensions.ReleasePool($"Data Source={DbPath}");
        foreach (var f in new[] { DbPath, DbPath + "-wal", DbPath + "-shm" })
            try { File.Delete(f); } catch (IOException) { }
    }
}
