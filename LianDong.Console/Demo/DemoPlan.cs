using LianDong.Domain.Engine;

namespace LianDong.Console.Demo;

/// <summary>
/// A made-up but plausible platform history, as engine events: members joining over <see cref="Days"/> days through
/// referral links (preferential attachment: busy referrers attract more), gift-pack orders from about half of them,
/// a few repeat orders, retail orders, refunds of both. Pure and deterministic (a fixed random seed): the same
/// arguments give the same events. <see cref="DemoSeeder"/> feeds them to the engine day by day.
/// </summary>
public static class DemoPlan
{
    public const int Days = 60;

    public sealed record PackSpec(string MerchantCode, string Code, string Name, long PriceFen, long CostFen, int Stock, int Weight);

    public static readonly IReadOnlyList<(string Code, string Name, string Contact)> Merchants =
    [
        ("HZTEA", "杭州西湖茶业 Hangzhou West Lake Tea", "0571-8888 0101"),
        ("YNFLORA", "云南花草生物 Yunnan Flora Bio", "0871-6666 0202"),
        ("GZBEAUTY", "广州美肌日化 Guangzhou Beauty Care", "020-3333 0303"),
    ];

    /// <summary>Every pack passes the default payout limit (10000 + 20000 + 2000 = 32000 ≤ price − cost).</summary>
    public static readonly IReadOnlyList<PackSpec> Packs =
    [
        new("HZTEA", "GP499", "龙井礼盒 Longjing tea gift box", 49900, 17900, 5000, 50),
        new("HZTEA", "GP599", "明前龙井臻选 Pre-Qingming Longjing selection", 59900, 19900, 2000, 15),
        new("YNFLORA", "GP459", "玫瑰花茶套装 Rose tea set", 45900, 13700, 3000, 20),
        new("GZBEAUTY", "GP529", "焕颜护肤套装 Radiance skincare set", 52900, 18500, 3000, 15),
    ];

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
    private static readonly string[] Given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "晓燕", "海燕", "建华", "丹", "婷", "欣怡", "子涵", "浩然"];

    public sealed record Plan(IReadOnlyList<EngineEvent> Events, int Founders, IReadOnlyList<string> AppointedPartners);

    /// <param name="members">How many members in all (at least 1).</param>
    /// <param name="start">The first instant of the history (its founders register then).</param>
    /// <param name="now">Nothing happens at or after this instant.</param>
    public static Plan Build(int members, DateTimeOffset start, DateTimeOffset now, int seed = 2026)
    {
        if (members < 1) throw new ArgumentOutOfRangeException(nameof(members), members, "at least 1 member");
        var rnd = new Random(seed);
        var events = new List<EngineEvent>();
        var span = now - start;
        var founders = Math.Min(members, Math.Max(3, members / 250));

        // Registration instants: founders at the start (an hour each, at most the first fifth of the span, so a big
        // platform's thousands of founders do not push everyone else past `now`), the rest denser towards today.
        var foundersSpan = TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(founders).Ticks, span.Ticks / 5));
        var founderStep = TimeSpan.FromTicks(Math.Clamp((foundersSpan - TimeSpan.FromHours(1)).Ticks / founders, 0, TimeSpan.FromMinutes(10).Ticks));
        var joins = new List<DateTimeOffset>();
        for (var i = 0; i < founders; i++) joins.Add(start + founderStep * i);
        for (var i = founders; i < members; i++)
            joins.Add(start + foundersSpan + TimeSpan.FromTicks((long)((span - foundersSpan - TimeSpan.FromHours(2)).Ticks * Math.Sqrt(rnd.NextDouble()))));
        joins.Sort();

        var ids = new string[members];
        var buyers = new List<int>();          // members who will buy a pack: preferred referrers
        var referralTargets = new List<int>(); // one slot per referral made: preferential attachment
        long orderNo = 0;
        var packWeights = Packs.Sum(p => p.Weight);
        string PickPack()
        {
            var x = rnd.Next(packWeights);
            foreach (var p in Packs) { if (x < p.Weight) return p.Code; x -= p.Weight; }
            return Packs[0].Code;
        }
        void MaybeRefund(string orderId, DateTimeOffset paidAt, double probability, int maxDays)
        {
            if (rnd.NextDouble() >= probability) return;
            var at = paidAt.AddHours(6 + rnd.Next(24 * maxDays));
            if (at < now) events.Add(new RefundOrder(orderId, at));
        }

        var appointed = new List<string>();
        for (var i = 0; i < members; i++)
        {
            var id = ids[i] = $"M{i + 1:D6}";
            var joinedAt = joins[i];
            string? referrer = null;
            if (i >= founders)
            {
                var r = referralTargets.Count > 0 && rnd.NextDouble() < 0.5 ? referralTargets[rnd.Next(referralTargets.Count)]
                    : buyers.Count > 0 && rnd.NextDouble() < 0.85 ? buyers[rnd.Next(buyers.Count)]
                    : rnd.Next(i);
                referrer = ids[r];
                referralTargets.Add(r);
            }
            var name = Surnames[rnd.Next(Surnames.Length)] + Given[rnd.Next(Given.Length)];
            var phone = $"1{(new[] { 38, 39, 58, 86, 77, 35 })[rnd.Next(6)]}{rnd.Next(10_000_000, 99_999_999)}";
            events.Add(new RegisterMember(id, referrer, joinedAt, name, phone));

            var buys = i < founders || rnd.NextDouble() < 0.45;
            if (buys)
            {
                buyers.Add(i);
                var paidAt = joinedAt.AddMinutes(5 + rnd.Next(60 * 48));
                if (paidAt < now)
                {
                    var orderId = $"P{++orderNo:D7}";
                    events.Add(new PayPackOrder(orderId, id, PickPack(), paidAt));
                    if (i >= founders) MaybeRefund(orderId, paidAt, 0.03, 10);
                    if (i < 2)
                    {
                        // Two founders are seed partners an admin appointed on day one.
                        events.Add(new AppointPartner(id, "system:seed-demo", paidAt.AddMinutes(30)));
                        appointed.Add(id);
                    }
                    if (rnd.NextDouble() < 0.06)
                    {
                        var again = paidAt.AddDays(3 + rnd.Next(20));
                        if (again < now) events.Add(new PayPackOrder($"P{++orderNo:D7}", id, PickPack(), again)); // a repeat order
                    }
                }
            }

            var retail = rnd.Next(0, 4);
            for (var k = 0; k < retail; k++)
            {
                var at = joinedAt.AddMinutes(30 + rnd.Next(60 * 24 * 20));
                if (at >= now) continue;
                var orderId = $"R{++orderNo:D7}";
                events.Add(new PayRetailOrder(orderId, id, 100L * rnd.Next(29, 300), at));
                MaybeRefund(orderId, at, 0.04, 5);
            }
        }

        // Time order; equal instants keep their order of creation (a register before its own order).
        var ordered = events.Select((e, n) => (e, n)).OrderBy(x => x.e.At).ThenBy(x => x.n).Select(x => x.e).ToList();
        return new Plan(ordered, founders, appointed);
    }
}
