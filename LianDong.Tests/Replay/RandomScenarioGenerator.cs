using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LianDong.Tests.Replay.Properties;

/// <summary>What the property tests need to know about one rule-set version of a generated scenario.</summary>
public sealed record GeneratedRuleSet(
    DateTimeOffset EffectiveFrom, int MaxReferralDistance, int SettlementDelayDays,
    long DirectAgentFen, long DirectPartnerFen, long SeePointFen,
    string PeerMode, int PeerPercent, long PeerAmountFen, int FreezePercent,
    int RetailLevel1Percent, int RetailLevel2Percent, int RetailPartnerPercent)
{
    /// <summary>All defaults (rule book section 10).</summary>
    public static readonly GeneratedRuleSet Defaults =
        new(DateTimeOffset.MinValue, 3, 7, 10000, 10000, 20000, "percentOfSeePoint", 10, 0, 20, 10, 3, 2);

    public static GeneratedRuleSet FromJson(DateTimeOffset effectiveFrom, JsonObject rs) => new(
        effectiveFrom, (int)rs["maxReferralDistance"]!, (int)rs["settlementDelayDays"]!,
        (long)rs["directReward"]!["agentFen"]!, (long)rs["directReward"]!["partnerFen"]!, (long)rs["seePointRewardFen"]!,
        (string)rs["peerReward"]!["mode"]!, (int)rs["peerReward"]!["percent"]!, (long)rs["peerReward"]!["amountFen"]!,
        (int)rs["freezePercent"]!,
        (int)rs["retail"]!["level1Percent"]!, (int)rs["retail"]!["level2Percent"]!, (int)rs["retail"]!["partnerPercent"]!);
}

/// <summary>A pack order (<c>pay</c>) or a retail order of a generated scenario.</summary>
public sealed record GeneratedOrder(string Id, string Member, DateTimeOffset At, bool IsPack, long RetailAmountFen = 0);

/// <summary>
/// A valid replay input (rule book section 12) plus the facts about it that the properties
/// check the engine's output against: the referral forest, the orders, the refunds, the
/// appointments, the rule-set versions by time and the nightly dates.
/// </summary>
public sealed class GeneratedScenario
{
    public static readonly TimeSpan PlatformOffset = TimeSpan.FromHours(8); // Asia/Shanghai, no DST

    public required int Seed { get; init; }
    public required JsonObject Input { get; init; }
    public required IReadOnlyList<string> Members { get; init; }
    public required IReadOnlyDictionary<string, string?> Referrer { get; init; }
    public required IReadOnlyDictionary<string, GeneratedOrder> Orders { get; init; }
    public required IReadOnlySet<string> RefundedOrders { get; init; }
    public required IReadOnlySet<string> PromotedMembers { get; init; }
    /// <summary>Versions in effective order; empty when the input has no <c>ruleSets</c> (all defaults).</summary>
    public required IReadOnlyList<GeneratedRuleSet> RuleSets { get; init; }
    public required IReadOnlyList<DateOnly> NightlyDates { get; init; }

    public int EventCount => ((JsonArray)Input["events"]!).Count;

    public DateOnly? LastNightlyDate => NightlyDates.Count == 0 ? null : NightlyDates[^1];

    public static DateOnly LocalDate(DateTimeOffset t) => DateOnly.FromDateTime(t.ToOffset(PlatformOffset).DateTime);

    /// <summary>The rule-set version in effect at <paramref name="t"/>.</summary>
    public GeneratedRuleSet RuleSetAt(DateTimeOffset t)
    {
        if (RuleSets.Count == 0) return GeneratedRuleSet.Defaults;
        GeneratedRuleSet? current = null;
        foreach (var rs in RuleSets)
            if (rs.EffectiveFrom <= t) current = rs;
        return current ?? throw new InvalidOperationException($"no rule set in effect at {t:O} (generator bug)");
    }

    /// <summary>Referral steps from <paramref name="member"/> up to <paramref name="ancestor"/> (referrer = 1), or null if it is not a strict ancestor.</summary>
    public int? Distance(string member, string ancestor)
    {
        var steps = 0;
        var current = member;
        while (Referrer.TryGetValue(current, out var up) && up is not null)
        {
            steps++;
            if (up == ancestor) return steps;
            current = up;
            if (steps > Members.Count) return null; // cycle guard; the generator never makes one
        }
        return null;
    }

    public string ToJson() => Input.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The same scenario with every <c>nightly</c> event followed by an identical copy of itself.</summary>
    public string ToJsonWithDuplicatedNightlies()
    {
        var copy = (JsonObject)Input.DeepClone();
        var events = (JsonArray)copy["events"]!;
        var doubled = new JsonArray();
        foreach (var e in events.ToList())
        {
            events.Remove(e);
            doubled.Add(e);
            if ((string?)e!["type"] == "nightly") doubled.Add(e.DeepClone());
        }
        copy["events"] = doubled;
        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}

/// <summary>
/// Seeded generator of VALID replay inputs (rule book section 12). Everything depends only on the
/// seed, so a failing seed reproduces. What it makes:
/// <list type="bullet">
/// <item>1–2 gift packs, price 399–599 CNY, cost 30–40 % of the price;</item>
/// <item>no <c>ruleSets</c> (all defaults; packs then leave at least 32000 fen), one, or two versions
///   (the second effective mid-stream, with the peer mode, task kind and delay flipped and all amounts
///   re-drawn); each satisfies section 9 for every pack, counting the peer share conservatively as
///   max(ceil(seePoint × percent / 100), amountFen) whatever the mode, and draws
///   <c>maxReferralDistance</c> from 1–3 so the limit bites;</item>
/// <item>registrations spread over the days with referrers among earlier members (half of them among the
///   last few, so chains get deep; ~8 % none), pack orders (mostly by members who never paid → qualifying;
///   the rest repeats or re-qualifications), retail orders, refunds of earlier orders (some twice),
///   a few <c>promote</c>s, and nightly runs at the end of some local days plus usually one far-future
///   catch-up run.</item>
/// </list>
/// Every share the rules can produce is at least 1 fen (amounts ≥ 100 fen, percents ≥ 1, freeze ≤ 50 %),
/// so a zero-amount entry in the output is always a finding. Event times never coincide with a rule
/// set's <c>effectiveFrom</c> (events have non-zero seconds, versions start on a whole minute), and every
/// event of local day D is strictly before D 16:00 UTC, where D's nightly stands.
/// </summary>
public sealed class RandomScenarioGenerator
{
    public static readonly DateOnly StartDate = new(2026, 3, 1);

    private readonly Random _rng;
    private readonly int _seed;

    private RandomScenarioGenerator(int seed)
    {
        _seed = seed;
        _rng = new Random(seed);
    }

    /// <summary>A small scenario: 20–80 members over ~60 days.</summary>
    public static GeneratedScenario Generate(int seed)
    {
        var g = new RandomScenarioGenerator(seed);
        var members = g._rng.Next(20, 81);
        var actions = (int)(members * (2.5 + g._rng.NextDouble() * 1.5));
        var days = g._rng.Next(50, 71);
        return g.Build(members, actions, days, nightlyProbability: 0.3 + g._rng.NextDouble() * 0.3);
    }

    /// <summary>A larger scenario of about <paramref name="approximateEvents"/> events (500 members at 2,000).</summary>
    public static GeneratedScenario GenerateLarge(int seed, int approximateEvents = 2000)
    {
        var g = new RandomScenarioGenerator(seed);
        var nonNightly = approximateEvents - 40;
        return g.Build(members: nonNightly / 4, actions: nonNightly, days: 60, nightlyProbability: 0.5);
    }

    /// <summary>UTC instant at which local day <paramref name="day"/> (0 = <see cref="StartDate"/>) begins.</summary>
    private static DateTimeOffset LocalDayStart(int day) =>
        new DateTimeOffset(StartDate.AddDays(day).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) - GeneratedScenario.PlatformOffset;

    private static string Utc(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private GeneratedScenario Build(int members, int actions, int days, double nightlyProbability)
    {
        // ---- packs -------------------------------------------------------------------------
        var ruleSetCount = Roll(0.15, 0.40) switch { 0 => 0, 1 => 1, _ => 2 };
        var packCount = _rng.Next(1, 3);
        var packs = new JsonArray();
        var budget = long.MaxValue; // min(price − cost) over packs
        for (var i = 0; i < packCount; i++)
        {
            long price = _rng.Next(399, 600) * 100L;
            long cost = price * _rng.Next(30, 41) / 100;
            if (ruleSetCount == 0 && price - cost < 32000) // defaults pay at most 10000 + 20000 + 2000
                cost = price - 32000 - _rng.Next(0, 21) * 100;
            packs.Add(new JsonObject
            {
                ["code"] = $"GP{(char)('A' + i)}{price / 100}",
                ["priceFen"] = price,
                ["costFen"] = cost,
            });
            budget = Math.Min(budget, price - cost);
        }
        var packCodes = packs.Select(p => (string)p!["code"]!).ToList();

        // ---- rule sets ---------------------------------------------------------------------
        var ruleSetsJson = new JsonArray();
        var ruleSets = new List<GeneratedRuleSet>();
        JsonObject? previous = null;
        for (var i = 0; i < ruleSetCount; i++)
        {
            DateTimeOffset from = i == 0
                ? LocalDayStart(0) - TimeSpan.FromDays(_rng.Next(1, 30)) - TimeSpan.FromHours(_rng.Next(0, 24))
                : LocalDayStart(_rng.Next(days / 4, 3 * days / 4 + 1))
                  + TimeSpan.FromHours(_rng.Next(1, 21)) + TimeSpan.FromMinutes(_rng.Next(1, 60));
            var rs = MakeRuleSet(budget, previous);
            var json = new JsonObject { ["effectiveFrom"] = Utc(from) };
            foreach (var kv in rs) json[kv.Key] = kv.Value!.DeepClone();
            ruleSetsJson.Add(json);
            ruleSets.Add(GeneratedRuleSet.FromJson(from, rs));
            previous = rs;
        }

        // ---- events ------------------------------------------------------------------------
        var events = new JsonArray();
        var memberIds = new List<string>();
        var referrer = new Dictionary<string, string?>();
        var neverPaid = new List<string>();
        var orders = new Dictionary<string, GeneratedOrder>();
        var orderList = new List<string>();
        var refunded = new HashSet<string>();
        var refundedList = new List<string>();
        var promoted = new HashSet<string>();
        var nightlies = new List<DateOnly>();
        var orderSeq = 0;

        // Action i happens on local day i * days / actions, at a random second of that day
        // (never on a whole minute, never in the first or last minute of the day).
        var perDay = new int[days];
        for (var i = 0; i < actions; i++) perDay[(int)((long)i * days / actions)]++;

        var remainingRegs = members;
        var action = 0;
        for (var day = 0; day < days; day++)
        {
            var offsets = Enumerable.Range(0, perDay[day])
                .Select(_ => { var s = _rng.Next(60, 86340); return s % 60 == 0 ? s + 1 : s; })
                .OrderBy(s => s).ToList();
            foreach (var offset in offsets)
            {
                var at = LocalDayStart(day) + TimeSpan.FromSeconds(offset);
                var left = actions - action;
                var register = remainingRegs > 0
                    && (memberIds.Count == 0 || remainingRegs >= left || _rng.NextDouble() < (double)remainingRegs / left);
                if (register)
                {
                    var id = $"M{memberIds.Count + 1:000}";
                    string? up = null;
                    if (memberIds.Count > 0 && _rng.NextDouble() >= 0.08)
                        up = _rng.NextDouble() < 0.5
                            ? memberIds[_rng.Next(Math.Max(0, memberIds.Count - 6), memberIds.Count)]
                            : memberIds[_rng.Next(memberIds.Count)];
                    events.Add(new JsonObject { ["type"] = "register", ["at"] = Utc(at), ["member"] = id, ["referrer"] = up });
                    memberIds.Add(id);
                    referrer[id] = up;
                    neverPaid.Add(id);
                    remainingRegs--;
                }
                else
                {
                    var kind = Weighted(
                        (40, "pay"), (30, "retail"), (orderList.Count > 0 ? 14 : 0, "refund"), (2, "promote"));
                    switch (kind)
                    {
                        case "pay":
                        {
                            string buyer;
                            if (neverPaid.Count > 0 && _rng.NextDouble() < 0.7)
                            {
                                var k = _rng.Next(neverPaid.Count);
                                buyer = neverPaid[k];
                                neverPaid.RemoveAt(k);
                            }
                            else
                            {
                                buyer = memberIds[_rng.Next(memberIds.Count)];
                                neverPaid.Remove(buyer);
                            }
                            var id = $"O{++orderSeq:0000}";
                            events.Add(new JsonObject
                            {
                                ["type"] = "pay", ["at"] = Utc(at), ["order"] = id, ["member"] = buyer,
                                ["pack"] = packCodes[_rng.Next(packCodes.Count)],
                            });
                            orders[id] = new GeneratedOrder(id, buyer, at, IsPack: true);
                            orderList.Add(id);
                            break;
                        }
                        case "retail":
                        {
                            var buyer = memberIds[_rng.Next(memberIds.Count)];
                            var id = $"O{++orderSeq:0000}";
                            long amount = _rng.NextDouble() < 0.1 ? _rng.Next(100, 1000) : _rng.Next(1000, 60001);
                            events.Add(new JsonObject
                            {
                                ["type"] = "retail", ["at"] = Utc(at), ["order"] = id, ["member"] = buyer, ["amountFen"] = amount,
                            });
                            orders[id] = new GeneratedOrder(id, buyer, at, IsPack: false, RetailAmountFen: amount);
                            orderList.Add(id);
                            break;
                        }
                        case "refund":
                        {
                            string id;
                            if (refundedList.Count > 0 && _rng.NextDouble() < 0.15)
                                id = refundedList[_rng.Next(refundedList.Count)]; // a second refund: a no-op
                            else if (_rng.NextDouble() < 0.5)
                                id = orderList[_rng.Next(Math.Max(0, orderList.Count - 20), orderList.Count)]; // likely before settlement
                            else
                                id = orderList[_rng.Next(orderList.Count)];
                            events.Add(new JsonObject { ["type"] = "refund", ["at"] = Utc(at), ["order"] = id });
                            if (refunded.Add(id)) refundedList.Add(id);
                            break;
                        }
                        default:
                        {
                            var who = memberIds[_rng.Next(memberIds.Count)];
                            events.Add(new JsonObject { ["type"] = "promote", ["at"] = Utc(at), ["member"] = who });
                            promoted.Add(who);
                            break;
                        }
                    }
                }
                action++;
            }
            if (_rng.NextDouble() < nightlyProbability)
            {
                var date = StartDate.AddDays(day);
                events.Add(new JsonObject { ["type"] = "nightly", ["date"] = Date(date) });
                nightlies.Add(date);
            }
        }
        if (_rng.NextDouble() < 0.8) // a catch-up run far enough out to settle and expire most things
        {
            var date = StartDate.AddDays(days - 1 + _rng.Next(1, 46));
            events.Add(new JsonObject { ["type"] = "nightly", ["date"] = Date(date) });
            nightlies.Add(date);
        }

        var input = new JsonObject();
        if (ruleSetCount > 0) input["ruleSets"] = ruleSetsJson;
        input["packs"] = packs;
        input["events"] = events;

        return new GeneratedScenario
        {
            Seed = _seed,
            Input = input,
            Members = memberIds,
            Referrer = referrer,
            Orders = orders,
            RefundedOrders = refunded,
            PromotedMembers = promoted,
            RuleSets = ruleSets,
            NightlyDates = nightlies,
        };
    }

    /// <summary>A rule set (without effectiveFrom) whose largest payout per qualifying order fits <paramref name="budget"/>.</summary>
    private JsonObject MakeRuleSet(long budget, JsonObject? previous)
    {
        var previousMode = (string?)previous?["peerReward"]?["mode"];
        var previousKind = (string?)previous?["channelTask"]?["kind"];
        var previousDelay = (int?)previous?["settlementDelayDays"];

        var mode = previousMode is null
            ? (_rng.NextDouble() < 0.7 ? "percentOfSeePoint" : "oneTime")
            : (previousMode == "oneTime" ? "percentOfSeePoint" : "oneTime");
        var kind = previousKind is null
            ? (_rng.NextDouble() < 0.5 ? "qualifiedReferrals" : "retailOrders")
            : (previousKind == "retailOrders" ? "qualifiedReferrals" : "retailOrders");

        long agent = 5000, partner = 5000, seePoint = 10000, amount = 1000;
        int percent = 10;
        for (var attempt = 0; attempt < 500; attempt++)
        {
            long a = _rng.Next(10, 121) * 100L, p = _rng.Next(10, 121) * 100L, s = _rng.Next(10, 201) * 100L;
            var pct = _rng.Next(1, 21);
            long amt = mode == "oneTime" ? _rng.Next(1, 51) * 100L : (_rng.NextDouble() < 0.5 ? 0 : _rng.Next(1, 51) * 100L);
            var peerMax = Math.Max((s * pct + 99) / 100, amt);
            if (Math.Max(a, p) + s + peerMax > budget) continue;
            (agent, partner, seePoint, percent, amount) = (a, p, s, pct, amt);
            break;
        }

        int delay;
        do delay = _rng.Next(0, 11); while (delay == previousDelay);

        int level1 = _rng.Next(1, 16), level2 = _rng.Next(1, 11), partnerPct = _rng.Next(1, 11);
        var maxTotal = _rng.Next(level1 + level2 + partnerPct, 41);

        return new JsonObject
        {
            ["upgradeThreshold"] = _rng.Next(1, 4),
            ["directReward"] = new JsonObject { ["agentFen"] = agent, ["partnerFen"] = partner },
            ["seePointRewardFen"] = seePoint,
            ["peerReward"] = new JsonObject { ["mode"] = mode, ["percent"] = percent, ["amountFen"] = amount },
            ["freezePercent"] = _rng.Next(0, 51),
            ["channelTask"] = new JsonObject { ["kind"] = kind, ["target"] = _rng.Next(1, 4), ["days"] = _rng.Next(3, 31) },
            ["settlementDelayDays"] = delay,
            ["maxReferralDistance"] = Roll(0.2, 0.3) switch { 0 => 1, 1 => 2, _ => 3 },
            ["retail"] = new JsonObject
            {
                ["level1Percent"] = level1, ["level2Percent"] = level2, ["partnerPercent"] = partnerPct, ["maxTotalPercent"] = maxTotal,
            },
            ["minPayoutFen"] = 1000,
        };
    }

    /// <summary>0 with probability p0, 1 with probability p1, 2 otherwise.</summary>
    private int Roll(double p0, double p1)
    {
        var x = _rng.NextDouble();
        return x < p0 ? 0 : x < p0 + p1 ? 1 : 2;
    }

    private string Weighted(params (int Weight, string Value)[] options)
    {
        var total = options.Sum(o => o.Weight);
        var x = _rng.Next(total);
        foreach (var (w, v) in options)
        {
            if (x < w) return v;
            x -= w;
        }
        throw new InvalidOperationException("unreachable");
    }
}
