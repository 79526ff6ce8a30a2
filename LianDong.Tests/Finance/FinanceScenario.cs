using LianDong.Domain.Payouts;
using LianDong.Tests.Support;

namespace LianDong.Tests.Finance;

/// <summary>
/// The worked example (section 11) through the engine, settled on day 8: A has ¥920.00 and D ¥440.00 available.
/// B..G have nothing available. Payout accounts are set through PayoutAccountService.
/// </summary>
public static class FinanceScenario
{
    public static readonly DateTimeOffset T = EngineTestHost.Start.AddHours(1);
    public static readonly DateOnly Day8 = new(2026, 1, 8);

    public static async Task<EngineTestHost> CreateAsync(params string[] withAccounts)
    {
        var h = await EngineTestHost.CreateAsync();
        await h.RegisterAndPayAsync("A", null, T);
        foreach (var (m, r, i) in new[] { ("B", "A", 1), ("C", "A", 2), ("D", "A", 3), ("E", "D", 4), ("F", "D", 5), ("G", "D", 6) })
            await h.RegisterAndPayAsync(m, r, T.AddHours(i));
        await h.NightlyAsync(Day8);
        foreach (var m in withAccounts)
            await h.Get<PayoutAccountService>().SetAsync(m, $"张{m}三", "工商银行", $"6222020000{m[0] % 10:D2}12345678", "test");
        return h;
    }
}
