using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LianDong.Console.Cli;
using Xunit.Abstractions;

namespace LianDong.Tests.Replay.Properties;

/// <summary>
/// Property tests over randomly generated event streams, black-box through <c>replay FILE</c>
/// (rule book section 12; issue 3, "Property tests"). Each seed in <see cref="SeedList"/> is one
/// reproducible scenario from <see cref="RandomScenarioGenerator"/>. A failure names the seed and
/// keeps the offending input under <c>$TMPDIR/liandong-replay-failures/</c>; replay it with
/// <c>LianDong.Console replay FILE</c>.
/// </summary>
public sealed class ReplayPropertyTests(ITestOutputHelper output)
{
    public static readonly int[] SeedList =
    [
        1, 2, 3, 5, 8, 13, 21, 34, 55, 89,
        144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946,
        4242, 7777, 9001, 12345, 20260101, 31337, 65535, 99991, 123457, 271828,
        314159, 424242, 500009, 618034, 777777, 888888, 999983, 1000003, 1234567, 2026112,
    ];

    /// <summary>
    /// The seeds the theories run over: all of <see cref="SeedList"/>, or only the first N when the
    /// environment variable <c>LIANDONG_PROPERTY_SEEDS</c> is N (for a quick local loop).
    /// </summary>
    public static IEnumerable<object[]> Seeds =>
        SeedList.Take(int.TryParse(Environment.GetEnvironmentVariable("LIANDONG_PROPERTY_SEEDS"), out var n) && n > 0 ? n : SeedList.Length)
            .Select(s => new object[] { s });

    public const int LargeSeed = 20261122;

    // ------------------------------------------------------------------------------------------
    // Properties
    // ------------------------------------------------------------------------------------------

    /// <summary>Property 1: pendingFen / frozenFen / availableFen are the sums of the member's entries by status.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Ledger_sums_to_the_balances(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "ledger", CheckLedgerSumsToBalances(scenario, result));
    }

    /// <summary>Property 2: no order pays more than 3 distinct beneficiaries.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task No_order_pays_more_than_three_beneficiaries(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "three-beneficiaries", CheckAtMostThreeBeneficiaries(scenario, result));
    }

    /// <summary>Property 3: every reward goes to an ancestor within maxReferralDistance; every withheld one is beyond it.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task No_reward_goes_further_than_the_distance_limit(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "distance", CheckDistanceLimit(scenario, result));
    }

    /// <summary>Property 4: running every nightly twice (same date) changes nothing in the output.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Rerunning_any_nightly_adds_nothing(int seed)
    {
        var (scenario, baseline) = await BaselineAsync(seed);
        var doubledJson = scenario.ToJsonWithDuplicatedNightlies();
        var doubled = await RunAsync(scenario, "nightly-twice", doubledJson);
        var a = baseline.Normalized();
        var b = doubled.Normalized();
        if (a != b)
        {
            var path = KeepFailure(scenario, "nightly-twice", doubledJson);
            Report(scenario, "nightly-idempotent",
                [$"output differs when every nightly is run twice (doubled input: {path}):\n{DiffLines(a, b, "once", "twice")}"]);
        }
    }

    /// <summary>Property 5: replaying the same stream twice gives the same output.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Replaying_the_same_stream_twice_gives_the_same_output(int seed)
    {
        var (scenario, first) = await BaselineAsync(seed);
        var second = await RunAsync(scenario, "second-run", scenario.ToJson());
        var a = first.Normalized();
        var b = second.Normalized();
        if (a != b)
            Report(scenario, "deterministic", [$"two replays of the same input differ:\n{DiffLines(a, b, "first", "second")}"]);
    }

    /// <summary>Property 6: clawbacks, refunds, the support fund, signs, kinds and statuses.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Money_in_equals_money_out(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "money", CheckMoney(scenario, result));
    }

    /// <summary>Property 7: ranks and leaders are consistent with the referral forest and the input.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Ranks_and_leaders_are_consistent(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "ranks", CheckRanks(scenario, result));
    }

    /// <summary>Extra (section 7): after the last nightly for D every entry due by D is settled, and nothing settles early.</summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Nightly_settles_what_is_due_and_nothing_early(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "settlement", CheckSettlement(scenario, result));
    }

    /// <summary>
    /// Extra (money in = money out, per reward): whatever statuses a reward's entries went through, they add up
    /// to the amount the rule set in effect at the order's time prescribes, and a split is exactly the frozen share.
    /// </summary>
    [Theory, MemberData(nameof(Seeds))]
    public async Task Every_reward_adds_up_to_its_rule_set_amount(int seed)
    {
        var (scenario, result) = await BaselineAsync(seed);
        Report(scenario, "reward-amounts", CheckRewardAmounts(scenario, result));
    }

    /// <summary>Properties 1, 2 and 6 over one stream of about 2,000 events.</summary>
    [Fact]
    public async Task Large_stream_keeps_the_ledger_the_beneficiary_limit_and_the_money()
    {
        var scenario = RandomScenarioGenerator.GenerateLarge(LargeSeed);
        var result = await RunAsync(scenario, "large", scenario.ToJson());
        output.WriteLine($"seed {LargeSeed}: {scenario.EventCount} events, {scenario.Members.Count} members, " +
                         $"{result.Entries.Count} entries, replay took {result.Elapsed.TotalSeconds:F1}s");
        var violations = new List<string>();
        violations.AddRange(CheckLedgerSumsToBalances(scenario, result));
        violations.AddRange(CheckAtMostThreeBeneficiaries(scenario, result));
        violations.AddRange(CheckMoney(scenario, result));
        if (result.Elapsed > TimeSpan.FromSeconds(60))
            violations.Add($"replay of {scenario.EventCount} events took {result.Elapsed.TotalSeconds:F1}s (limit 60s)");
        Report(scenario, "large", violations);
    }

    // ------------------------------------------------------------------------------------------
    // Checks (each returns the violations it found)
    // ------------------------------------------------------------------------------------------

    private static readonly string[] Statuses = ["Pending", "Frozen", "Available", "Paid", "Cancelled", "Forfeited"];
    private static readonly string[] Kinds = ["Direct", "SeePoint", "Peer", "Retail", "Clawback"];
    private static readonly string[] RewardKinds = ["Direct", "SeePoint", "Peer", "Retail"];
    private static readonly string[] PackKinds = ["Direct", "SeePoint", "Peer"];
    private static readonly string[] Ranks = ["Member", "Agent", "Partner"];

    internal static List<string> CheckLedgerSumsToBalances(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        foreach (var m in s.Members.Where(m => !r.Members.ContainsKey(m)))
            v.Add($"registered member {m} is missing from members");
        foreach (var m in r.Members.Keys.Where(m => !s.Referrer.ContainsKey(m)))
            v.Add($"members lists {m}, who never registered");
        foreach (var e in r.Entries.Where(e => !r.Members.ContainsKey(e.Beneficiary)))
            v.Add($"entry {e} has a beneficiary not in members");

        var byMember = r.Entries.ToLookup(e => e.Beneficiary);
        foreach (var (id, m) in r.Members)
        {
            long Sum(string status) => byMember[id].Where(e => e.Status == status).Sum(e => e.AmountFen);
            long pending = Sum("Pending"), frozen = Sum("Frozen"), available = Sum("Available");
            if (m.PendingFen != pending) v.Add($"{id}: pendingFen {m.PendingFen} but Pending entries sum to {pending}");
            if (m.FrozenFen != frozen) v.Add($"{id}: frozenFen {m.FrozenFen} but Frozen entries sum to {frozen}");
            if (m.AvailableFen != available) v.Add($"{id}: availableFen {m.AvailableFen} but Available entries (Clawbacks included) sum to {available}");
        }
        return v;
    }

    internal static List<string> CheckAtMostThreeBeneficiaries(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        foreach (var g in r.Entries.Where(e => RewardKinds.Contains(e.Kind)).GroupBy(e => e.Order))
        {
            var who = g.Select(e => e.Beneficiary).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList();
            if (who.Count > 3) v.Add($"order {g.Key} pays {who.Count} distinct beneficiaries: {string.Join(", ", who)}");
        }
        return v;
    }

    internal static List<string> CheckDistanceLimit(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        foreach (var e in r.Entries.Where(e => e.Kind != "Clawback"))
        {
            if (!s.Orders.TryGetValue(e.Order, out var order)) { v.Add($"entry {e} names an order not in the input"); continue; }
            var limit = s.RuleSetAt(order.At).MaxReferralDistance;
            var d = s.Distance(order.Member, e.Beneficiary);
            if (d is null) v.Add($"entry {e}: {e.Beneficiary} is not an ancestor of buyer {order.Member}");
            else if (d > limit) v.Add($"entry {e}: {e.Beneficiary} is {d} steps above buyer {order.Member}, limit {limit}");
        }
        foreach (var w in r.Withheld)
        {
            if (w.Reason != "maxReferralDistance") v.Add($"withheld {w} has reason \"{w.Reason}\", expected \"maxReferralDistance\"");
            if (!RewardKinds.Contains(w.Kind)) v.Add($"withheld {w} has kind \"{w.Kind}\"");
            if (!s.Orders.TryGetValue(w.Order, out var order)) { v.Add($"withheld {w} names an order not in the input"); continue; }
            var limit = s.RuleSetAt(order.At).MaxReferralDistance;
            var d = s.Distance(order.Member, w.Beneficiary);
            if (d is null) v.Add($"withheld {w}: {w.Beneficiary} is not an ancestor of buyer {order.Member}");
            else if (d <= limit) v.Add($"withheld {w}: {w.Beneficiary} is only {d} steps above buyer {order.Member}, limit {limit}");
        }
        return v;
    }

    internal static List<string> CheckMoney(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        foreach (var e in r.Entries)
        {
            if (!Statuses.Contains(e.Status)) v.Add($"entry {e} has status \"{e.Status}\"");
            if (!Kinds.Contains(e.Kind)) v.Add($"entry {e} has kind \"{e.Kind}\"");
            if (!s.Orders.TryGetValue(e.Order, out var order)) { v.Add($"entry {e} names an order not in the input"); continue; }
            var refunded = s.RefundedOrders.Contains(e.Order);
            if (e.Kind == "Clawback")
            {
                if (e.AmountFen >= 0) v.Add($"Clawback {e} is not negative");
                if (e.Status != "Available") v.Add($"Clawback {e} has status {e.Status}, expected Available");
                if (!refunded) v.Add($"Clawback {e} on an order that was never refunded");
            }
            else
            {
                if (e.AmountFen < 0) v.Add($"reward entry {e} is negative");
                else if (e.AmountFen == 0) v.Add($"reward entry {e} is 0 fen (every share the generator allows is ≥ 1 fen)");
                if (order.IsPack && !PackKinds.Contains(e.Kind)) v.Add($"entry {e} of kind {e.Kind} on pack order {e.Order}");
                if (!order.IsPack && e.Kind != "Retail") v.Add($"entry {e} of kind {e.Kind} on retail order {e.Order}");
                if (e.Status is "Frozen" or "Forfeited" && e.Kind is not ("Direct" or "SeePoint"))
                    v.Add($"entry {e}: only Direct and SeePoint rewards are ever frozen (section 5.3)");
            }
            if (refunded && e.Status is "Pending" or "Frozen") v.Add($"entry {e} of refunded order {e.Order} is still {e.Status}");
            if (!refunded && e.Status == "Cancelled") v.Add($"entry {e} is Cancelled but order {e.Order} was never refunded");
        }

        // Each settled entry of a refunded order has exactly one Clawback of the negative amount, and
        // every Clawback reverses one settled entry of the same order and beneficiary.
        foreach (var g in r.Entries.GroupBy(e => (e.Order, e.Beneficiary)))
        {
            if (!s.RefundedOrders.Contains(g.Key.Order)) continue;
            var settled = g.Where(e => e.Kind != "Clawback" && e.Status is "Available" or "Paid")
                .Select(e => e.AmountFen).OrderBy(x => x).ToList();
            var clawedBack = g.Where(e => e.Kind == "Clawback").Select(e => -e.AmountFen).OrderBy(x => x).ToList();
            if (!settled.SequenceEqual(clawedBack))
                v.Add($"order {g.Key.Order}, beneficiary {g.Key.Beneficiary}: settled amounts [{string.Join(", ", settled)}] " +
                      $"but Clawbacks reverse [{string.Join(", ", clawedBack)}]");
        }

        var forfeited = r.Entries.Where(e => e.Status == "Forfeited").Sum(e => e.AmountFen);
        var takenBack = r.Entries.Where(e => e.Status == "Forfeited" && s.RefundedOrders.Contains(e.Order)).Sum(e => e.AmountFen);
        if (r.SupportFundFen != forfeited - takenBack)
            v.Add($"supportFundFen {r.SupportFundFen} but Forfeited {forfeited} − Forfeited of refunded orders {takenBack} = {forfeited - takenBack}");
        return v;
    }

    internal static List<string> CheckRanks(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        var payOrders = s.Orders.Values.Where(o => o.IsPack).ToLookup(o => o.Member);
        var directReferrals = s.Referrer.Where(kv => kv.Value is not null).ToLookup(kv => kv.Value!, kv => kv.Key);
        foreach (var (id, m) in r.Members)
        {
            if (!Ranks.Contains(m.Rank)) { v.Add($"{id} has rank \"{m.Rank}\""); continue; }
            if (m.Rank is "Member" or "Partner" && m.Leader is not null) v.Add($"{id} is a {m.Rank} with leader {m.Leader}");
            if (m.Rank == "Agent" && m.Leader is not null)
            {
                if (!r.Members.TryGetValue(m.Leader, out var leader)) v.Add($"Agent {id} has unknown leader {m.Leader}");
                else if (leader.Rank != "Partner") v.Add($"Agent {id} has leader {m.Leader}, who is a {leader.Rank}");
                if (s.Distance(id, m.Leader) is null) v.Add($"Agent {id} has leader {m.Leader}, who is not on its referral chain");
            }
            if (s.PromotedMembers.Contains(id) && m.Rank != "Partner") v.Add($"{id} was appointed but is a {m.Rank}");
            var paid = payOrders[id].ToList();
            if (paid.Count == 0 && !s.PromotedMembers.Contains(id) && m.Rank != "Member")
                v.Add($"{id} never paid for a pack and was never appointed, but is a {m.Rank}");
            if (m.Rank == "Agent" && paid.All(o => s.RefundedOrders.Contains(o.Id)))
                v.Add($"{id} is an Agent but all its pack orders were refunded");
            var possible = directReferrals[id].SelectMany(c => payOrders[c]).Count(o => !s.RefundedOrders.Contains(o.Id));
            if (m.QualifiedReferrals < 0 || m.QualifiedReferrals > possible)
                v.Add($"{id} has qualifiedReferrals {m.QualifiedReferrals}, but its direct referrals have {possible} unrefunded pack orders");
        }
        return v;
    }

    internal static List<string> CheckRewardAmounts(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        foreach (var byOrder in r.Entries.Where(e => e.Kind != "Clawback").GroupBy(e => e.Order))
        {
            if (!s.Orders.TryGetValue(byOrder.Key, out var order)) { v.Add($"entries name order {byOrder.Key}, which is not in the input"); continue; }
            var rs = s.RuleSetAt(order.At);
            if (!order.IsPack)
            {
                // Each Retail entry is one of the three shares, each share at most once.
                var shares = new List<long>
                {
                    order.RetailAmountFen * rs.RetailLevel1Percent / 100,
                    order.RetailAmountFen * rs.RetailLevel2Percent / 100,
                    order.RetailAmountFen * rs.RetailPartnerPercent / 100,
                };
                foreach (var e in byOrder.Where(e => e.Kind == "Retail"))
                    if (!shares.Remove(e.AmountFen))
                        v.Add($"Retail entry {e}: not one of the unused shares of {order.RetailAmountFen} fen at " +
                              $"{rs.RetailLevel1Percent}/{rs.RetailLevel2Percent}/{rs.RetailPartnerPercent} %");
                continue;
            }
            foreach (var kind in PackKinds)
            {
                var groups = byOrder.Where(e => e.Kind == kind).GroupBy(e => e.Beneficiary).ToList();
                if (groups.Count > 1)
                    v.Add($"order {byOrder.Key} pays {kind} to {groups.Count} beneficiaries: {string.Join(", ", groups.Select(g => g.Key))}");
                foreach (var g in groups)
                {
                    var parts = g.ToList();
                    var total = parts.Sum(e => e.AmountFen);
                    var allowed = kind switch
                    {
                        "Direct" => new[] { rs.DirectAgentFen, rs.DirectPartnerFen },
                        "SeePoint" => [rs.SeePointFen],
                        _ => [rs.PeerMode == "oneTime" ? rs.PeerAmountFen : rs.SeePointFen * rs.PeerPercent / 100],
                    };
                    if (!allowed.Contains(total))
                        v.Add($"order {byOrder.Key}: {kind} to {g.Key} totals {total} fen over [{string.Join(", ", parts)}], " +
                              $"expected {string.Join(" or ", allowed.Distinct())}");
                    var frozenShare = total * rs.FreezePercent / 100;
                    if (kind == "Peer" ? parts.Count != 1
                        : parts.Count > 2 || (parts.Count == 2 && parts.All(e => e.AmountFen != frozenShare)))
                        v.Add($"order {byOrder.Key}: {kind} to {g.Key} is split as [{string.Join(", ", parts)}]; " +
                              (kind == "Peer" ? "a 平级奖 is never split" : $"the frozen share of {total} at {rs.FreezePercent} % is {frozenShare}"));
                }
            }
        }
        return v;
    }

    internal static List<string> CheckSettlement(GeneratedScenario s, ReplayResult r)
    {
        var v = new List<string>();
        var last = s.LastNightlyDate;
        foreach (var e in r.Entries.Where(e => e.Kind != "Clawback"))
        {
            if (!s.Orders.TryGetValue(e.Order, out var order)) { v.Add($"entry {e} names an order not in the input"); continue; }
            var posted = GeneratedScenario.LocalDate(order.At);
            var due = posted.AddDays(s.RuleSetAt(order.At).SettlementDelayDays);
            switch (e.Status)
            {
                case "Available" or "Paid" when last is null || due > last:
                    v.Add($"entry {e} posted {posted:yyyy-MM-dd} is settled, but it is due {due:yyyy-MM-dd} and the last nightly is {last?.ToString("yyyy-MM-dd") ?? "none"}");
                    break;
                case "Pending" when last is not null && due <= last && !s.RefundedOrders.Contains(e.Order):
                    v.Add($"entry {e} posted {posted:yyyy-MM-dd} was due {due:yyyy-MM-dd} but is still Pending after the nightly for {last:yyyy-MM-dd}");
                    break;
                case "Forfeited" when last is null || last < posted:
                    v.Add($"entry {e} posted {posted:yyyy-MM-dd} is Forfeited without a nightly run after it");
                    break;
            }
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------
    // Running replay
    // ------------------------------------------------------------------------------------------

    private static readonly ConcurrentDictionary<int, Lazy<Task<(GeneratedScenario, ReplayResult)>>> Baselines = new();

    /// <summary>The scenario for <paramref name="seed"/> and its replay, run once and shared by the property tests.</summary>
    private static Task<(GeneratedScenario, ReplayResult)> BaselineAsync(int seed) =>
        Baselines.GetOrAdd(seed, _ => new Lazy<Task<(GeneratedScenario, ReplayResult)>>(async () =>
        {
            var scenario = RandomScenarioGenerator.Generate(seed);
            return (scenario, await RunAsync(scenario, "input", scenario.ToJson()));
        })).Value;

    /// <summary>Writes <paramref name="json"/> to a fresh temp dir, runs <c>replay</c>, parses stdout, removes the dir.</summary>
    private static async Task<ReplayResult> RunAsync(GeneratedScenario scenario, string label, string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "liandong-props-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var file = Path.Combine(dir, $"seed{scenario.Seed}-{label}.json");
            await File.WriteAllTextAsync(file, json);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var clock = Stopwatch.StartNew();
            var code = await CliRunner.RunAsync(["replay", file], stdout, stderr);
            clock.Stop();
            if (code != 0)
                Assert.Fail($"seed {scenario.Seed}: replay exited {code} on a valid input ({scenario.EventCount} events); " +
                            $"stderr: {Truncate(stderr.ToString(), 2000)}; input kept at {KeepFailure(scenario, label, json)}");
            try
            {
                return ReplayResult.Parse(stdout.ToString(), clock.Elapsed);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                Assert.Fail($"seed {scenario.Seed}: replay output is not the section 12 document: {ex.Message}; " +
                            $"stdout starts: {Truncate(stdout.ToString(), 1000)}; input kept at {KeepFailure(scenario, label, json)}");
                throw; // unreachable
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private void Report(GeneratedScenario scenario, string property, IReadOnlyList<string> violations)
    {
        output.WriteLine($"seed {scenario.Seed}: {scenario.EventCount} events, {scenario.Members.Count} members, " +
                         $"{scenario.RuleSets.Count} rule set(s), {scenario.NightlyDates.Count} nightly run(s)");
        if (violations.Count == 0) return;
        var path = KeepFailure(scenario, property, scenario.ToJson());
        var sb = new StringBuilder();
        sb.AppendLine($"seed {scenario.Seed}: property \"{property}\" fails ({violations.Count} violation(s)); input kept at {path}");
        foreach (var line in violations.Take(25)) sb.AppendLine("  " + line);
        if (violations.Count > 25) sb.AppendLine($"  … and {violations.Count - 25} more");
        Assert.Fail(sb.ToString());
    }

    /// <summary>Failing inputs are kept (outside the per-run temp dirs, which are always removed) so the seed reproduces by hand.</summary>
    private static string KeepFailure(GeneratedScenario scenario, string label, string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "liandong-replay-failures");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"seed{scenario.Seed}-{label}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static string DiffLines(string a, string b, string nameA, string nameB)
    {
        var la = a.Split('\n').GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var lb = b.Split('\n').GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var sb = new StringBuilder();
        var shown = 0;
        foreach (var (line, n) in la)
            if (n > lb.GetValueOrDefault(line) && shown++ < 20) sb.AppendLine($"  only in {nameA} (×{n - lb.GetValueOrDefault(line)}): {line}");
        foreach (var (line, n) in lb)
            if (n > la.GetValueOrDefault(line) && shown++ < 40) sb.AppendLine($"  only in {nameB} (×{n - la.GetValueOrDefault(line)}): {line}");
        return sb.ToString();
    }
}

// ----------------------------------------------------------------------------------------------
// The replay output document (section 12), only the fields the rule book names.
// ----------------------------------------------------------------------------------------------

public sealed record MemberResult(string Rank, string? Leader, long QualifiedReferrals, long PendingFen, long FrozenFen, long AvailableFen);

public sealed record EntryResult(string Order, string Beneficiary, string Kind, long AmountFen, string Status)
{
    public override string ToString() => $"{Order}|{Beneficiary}|{Kind}|{AmountFen}|{Status}";
}

public sealed record WithheldResult(string Order, string Beneficiary, string Kind, string Reason)
{
    public override string ToString() => $"{Order}|{Beneficiary}|{Kind}|{Reason}";
}

public sealed class ReplayResult
{
    public required IReadOnlyDictionary<string, MemberResult> Members { get; init; }
    public required long SupportFundFen { get; init; }
    public required IReadOnlyList<EntryResult> Entries { get; init; }
    public required IReadOnlyList<WithheldResult> Withheld { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>Parses stdout strictly: every named field present, amounts integers. Extra fields are ignored.</summary>
    public static ReplayResult Parse(string json, TimeSpan elapsed)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var members = new Dictionary<string, MemberResult>(StringComparer.Ordinal);
        foreach (var p in Get(root, "members", JsonValueKind.Object).EnumerateObject())
        {
            var m = p.Value;
            var leader = m.TryGetProperty("leader", out var l) ? l : throw new FormatException($"members.{p.Name}: no \"leader\"");
            members[p.Name] = new MemberResult(
                Str(m, "rank", $"members.{p.Name}"),
                leader.ValueKind == JsonValueKind.Null ? null : leader.ValueKind == JsonValueKind.String ? leader.GetString()
                    : throw new FormatException($"members.{p.Name}.leader is neither null nor a string"),
                Int(m, "qualifiedReferrals", $"members.{p.Name}"),
                Int(m, "pendingFen", $"members.{p.Name}"),
                Int(m, "frozenFen", $"members.{p.Name}"),
                Int(m, "availableFen", $"members.{p.Name}"));
        }
        var entries = Get(root, "entries", JsonValueKind.Array).EnumerateArray().Select((e, i) => new EntryResult(
            Str(e, "order", $"entries[{i}]"), Str(e, "beneficiary", $"entries[{i}]"), Str(e, "kind", $"entries[{i}]"),
            Int(e, "amountFen", $"entries[{i}]"), Str(e, "status", $"entries[{i}]"))).ToList();
        var withheld = Get(root, "withheld", JsonValueKind.Array).EnumerateArray().Select((w, i) => new WithheldResult(
            Str(w, "order", $"withheld[{i}]"), Str(w, "beneficiary", $"withheld[{i}]"), Str(w, "kind", $"withheld[{i}]"),
            Str(w, "reason", $"withheld[{i}]"))).ToList();
        return new ReplayResult
        {
            Members = members,
            SupportFundFen = Int(root, "supportFundFen", "document"),
            Entries = entries,
            Withheld = withheld,
            Elapsed = elapsed,
        };
    }

    /// <summary>The whole document as sorted lines: members by id, then the fund, then entries and withheld items as multisets.</summary>
    public string Normalized()
    {
        var sb = new StringBuilder();
        foreach (var (id, m) in Members.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append("member|").Append(id).Append('|').Append(m.Rank).Append('|').Append(m.Leader ?? "null").Append('|')
              .Append(m.QualifiedReferrals).Append('|').Append(m.PendingFen).Append('|').Append(m.FrozenFen).Append('|')
              .Append(m.AvailableFen).Append('\n');
        sb.Append("supportFundFen|").Append(SupportFundFen).Append('\n');
        foreach (var e in Entries.Select(e => "entry|" + e).OrderBy(x => x, StringComparer.Ordinal)) sb.Append(e).Append('\n');
        foreach (var w in Withheld.Select(w => "withheld|" + w).OrderBy(x => x, StringComparer.Ordinal)) sb.Append(w).Append('\n');
        return sb.ToString();
    }

    private static JsonElement Get(JsonElement obj, string name, JsonValueKind kind) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == kind ? v
            : throw new FormatException($"\"{name}\" missing or not a JSON {kind}");

    private static string Str(JsonElement obj, string name, string where) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new FormatException($"{where}.{name} missing or not a string");

    private static long Int(JsonElement obj, string name, string where) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)
            ? n : throw new FormatException($"{where}.{name} missing or not an integer");
}
