using LianDong.Domain;
using System.Globalization;
using System.Text.Json;
using LianDong.Domain.Engine;
using LianDong.Domain.Rules;

namespace LianDong.Console.Cli.Replay;

/// <summary>A bad replay input; the message names the place (e.g. <c>events[3]: unknown referrer "Z"</c>).</summary>
public sealed class ReplayInputException(string message) : Exception(message);

public sealed record ReplayRuleSet(DateTimeOffset EffectiveFrom, RuleParameters Parameters);
public sealed record ReplayPack(string Code, string Name, long PriceFen, long CostFen);

/// <summary>One event of the file, with the instant it stands at (a nightly stands at the end of its local day).</summary>
public sealed record ReplayEvent(int Index, DateTimeOffset StandsAt, EngineEvent? Engine, DateOnly? NightlyDate);

public sealed record ReplayScenario(IReadOnlyList<ReplayRuleSet> RuleSets, IReadOnlyList<ReplayPack> Packs, IReadOnlyList<ReplayEvent> Events)
{
    /// <summary>Parses and checks a whole scenario (rule book section 12) before anything is applied.</summary>
    public static ReplayScenario Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ReplayInputException("the document must be a JSON object");
        var ruleSets = ParseRuleSets(root);
        var packs = ParsePacks(root, ruleSets);
        var events = ParseEvents(root, ruleSets);
        return new ReplayScenario(ruleSets, packs, events);
    }

    private static List<ReplayRuleSet> ParseRuleSets(JsonElement root)
    {
        if (!root.TryGetProperty("ruleSets", out var arr) || arr.ValueKind == JsonValueKind.Null)
            return [new ReplayRuleSet(DateTimeOffset.MinValue, RuleParameters.Defaults)];
        if (arr.ValueKind != JsonValueKind.Array) throw new ReplayInputException("ruleSets must be an array");
        var list = new List<ReplayRuleSet>();
        var i = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var where = $"ruleSets[{i}]";
            if (el.ValueKind != JsonValueKind.Object) throw new ReplayInputException($"{where}: must be an object");
            var from = Instant(el, "effectiveFrom", where);
            var p = ParseParameters(el, where);
            var violations = RuleSetValidator.Validate(p);
            if (violations.Count > 0) throw new ReplayInputException($"{where}: {violations[0]}");
            if (list.Count > 0 && from <= list[^1].EffectiveFrom)
                throw new ReplayInputException($"{where}: effectiveFrom {from:O} does not strictly increase (ruleSets[{i - 1}] is effective from {list[^1].EffectiveFrom:O})");
            list.Add(new ReplayRuleSet(from, p));
            i++;
        }
        if (list.Count == 0) list.Add(new ReplayRuleSet(DateTimeOffset.MinValue, RuleParameters.Defaults));
        return list;
    }

    private static RuleParameters ParseParameters(JsonElement el, string where)
    {
        var d = RuleParameters.Defaults;
        JsonElement? Obj(string name)
        {
            if (!el.TryGetProperty(name, out var o) || o.ValueKind == JsonValueKind.Null) return null;
            if (o.ValueKind != JsonValueKind.Object) throw new ReplayInputException($"{where}: {name} must be an object");
            return o;
        }
        long L(JsonElement? o, string prefix, string name, long def)
        {
            if (o is not { } obj || !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return def;
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
                throw new ReplayInputException($"{where}: {prefix}{name} must be an integer");
            return n;
        }
        int I(JsonElement? o, string prefix, string name, int def)
        {
            var n = L(o, prefix, name, def);
            if (n is < int.MinValue or > int.MaxValue) throw new ReplayInputException($"{where}: {prefix}{name} is out of range");
            return (int)n;
        }
        string? S(JsonElement? o, string prefix, string name)
        {
            if (o is not { } obj || !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.String) throw new ReplayInputException($"{where}: {prefix}{name} must be a string");
            return v.GetString();
        }
        var direct = Obj("directReward");
        var peer = Obj("peerReward");
        var task = Obj("channelTask");
        var retail = Obj("retail");
        var peerMode = S(peer, "peerReward.", "mode") switch
        {
            null => d.PeerMode,
            "percentOfSeePoint" => PeerRewardMode.PercentOfSeePoint,
            "oneTime" => PeerRewardMode.OneTime,
            var m => throw new ReplayInputException($"{where}: peerReward.mode \"{m}\" is not percentOfSeePoint or oneTime"),
        };
        var taskKind = S(task, "channelTask.", "kind") switch
        {
            null => d.TaskKind,
            "qualifiedReferrals" => ChannelTaskKind.QualifiedReferrals,
            "retailOrders" => ChannelTaskKind.RetailOrders,
            var k => throw new ReplayInputException($"{where}: channelTask.kind \"{k}\" is not qualifiedReferrals or retailOrders"),
        };
        return new RuleParameters
        {
            UpgradeThreshold = I(el, "", "upgradeThreshold", d.UpgradeThreshold),
            DirectAgentFen = L(direct, "directReward.", "agentFen", d.DirectAgentFen),
            DirectPartnerFen = L(direct, "directReward.", "partnerFen", d.DirectPartnerFen),
            SeePointRewardFen = L(el, "", "seePointRewardFen", d.SeePointRewardFen),
            PeerMode = peerMode,
            PeerPercent = I(peer, "peerReward.", "percent", d.PeerPercent),
            PeerAmountFen = L(peer, "peerReward.", "amountFen", d.PeerAmountFen),
            FreezePercent = I(el, "", "freezePercent", d.FreezePercent),
            TaskKind = taskKind,
            TaskTarget = I(task, "channelTask.", "target", d.TaskTarget),
            TaskDays = I(task, "channelTask.", "days", d.TaskDays),
            SettlementDelayDays = I(el, "", "settlementDelayDays", d.SettlementDelayDays),
            MaxReferralDistance = I(el, "", "maxReferralDistance", d.MaxReferralDistance),
            RetailLevel1Percent = I(retail, "retail.", "level1Percent", d.RetailLevel1Percent),
            RetailLevel2Percent = I(retail, "retail.", "level2Percent", d.RetailLevel2Percent),
            RetailPartnerPercent = I(retail, "retail.", "partnerPercent", d.RetailPartnerPercent),
            RetailMaxTotalPercent = I(retail, "retail.", "maxTotalPercent", d.RetailMaxTotalPercent),
            MinPayoutFen = L(el, "", "minPayoutFen", d.MinPayoutFen),
            TimeZone = S(el, "", "timeZone") ?? d.TimeZone,
        };
    }

    private static List<ReplayPack> ParsePacks(JsonElement root, IReadOnlyList<ReplayRuleSet> ruleSets)
    {
        var list = new List<ReplayPack>();
        if (!root.TryGetProperty("packs", out var arr) || arr.ValueKind == JsonValueKind.Null) return list;
        if (arr.ValueKind != JsonValueKind.Array) throw new ReplayInputException("packs must be an array");
        var explicitRuleSets = root.TryGetProperty("ruleSets", out var rsEl) && rsEl.ValueKind == JsonValueKind.Array && rsEl.GetArrayLength() > 0;
        var i = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var where = $"packs[{i}]";
            if (el.ValueKind != JsonValueKind.Object) throw new ReplayInputException($"{where}: must be an object");
            var code = Str(el, "code", where);
            if (list.Any(p => p.Code == code)) throw new ReplayInputException($"{where}: pack code \"{code}\" is used twice");
            var price = Int64(el, "priceFen", where);
            var cost = Int64(el, "costFen", where);
            var figures = RuleSetValidator.ValidatePackFigures(price, cost);
            if (figures.Count > 0) throw new ReplayInputException($"{where}: {figures[0]}");
            for (var k = 0; k < ruleSets.Count; k++)
            {
                if (RuleSetValidator.CheckPack(code, price, cost, ruleSets[k].Parameters) is not { } problem) continue;
                // Blame the rule set when the pack would pass under the default rules; otherwise the pack.
                var packFineByDefault = RuleSetValidator.CheckPack(code, price, cost, RuleParameters.Defaults) is null;
                throw new ReplayInputException(!explicitRuleSets ? $"{where}: {problem}"
                    : packFineByDefault ? $"ruleSets[{k}]: {problem} ({where})"
                    : $"{where}: {problem} (ruleSets[{k}])");
            }
            var name = el.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : code;
            list.Add(new ReplayPack(code, name, price, cost));
            i++;
        }
        return list;
    }

    private static List<ReplayEvent> ParseEvents(JsonElement root, IReadOnlyList<ReplayRuleSet> ruleSets)
    {
        var list = new List<ReplayEvent>();
        if (!root.TryGetProperty("events", out var arr) || arr.ValueKind == JsonValueKind.Null) return list;
        if (arr.ValueKind != JsonValueKind.Array) throw new ReplayInputException("events must be an array");
        var packCodes = root.TryGetProperty("packs", out var packsEl) && packsEl.ValueKind == JsonValueKind.Array
            ? packsEl.EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToHashSet() : [];
        var members = new HashSet<string>(StringComparer.Ordinal);
        var orders = new HashSet<string>(StringComparer.Ordinal);
        var firstRuleSet = ruleSets[0].EffectiveFrom;
        var i = 0;
        foreach (var el in arr.EnumerateArray())
        {
            var where = $"events[{i}]";
            if (el.ValueKind != JsonValueKind.Object) throw new ReplayInputException($"{where}: must be an object");
            var type = el.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
                : throw new ReplayInputException($"{where}: missing event type");
            ReplayEvent ev;
            switch (type)
            {
                case "register":
                {
                    var at = Instant(el, "at", where);
                    var member = Str(el, "member", where);
                    string? referrer = null;
                    if (el.TryGetProperty("referrer", out var r) && r.ValueKind != JsonValueKind.Null)
                        referrer = r.ValueKind == JsonValueKind.String ? r.GetString() : throw new ReplayInputException($"{where}: referrer must be a string or null");
                    if (members.Contains(member)) throw new ReplayInputException($"{where}: member \"{member}\" is registered twice");
                    if (referrer == member) throw new ReplayInputException($"{where}: member \"{member}\" cannot refer itself");
                    if (referrer is not null && !members.Contains(referrer)) throw new ReplayInputException($"{where}: unknown referrer \"{referrer}\"");
                    members.Add(member);
                    ev = new ReplayEvent(i, at, new RegisterMember(member, referrer, at), null);
                    break;
                }
                case "pay":
                {
                    var at = Instant(el, "at", where);
                    var order = Str(el, "order", where);
                    var member = KnownMember(el, members, where);
                    var pack = Str(el, "pack", where);
                    if (!packCodes.Contains(pack)) throw new ReplayInputException($"{where}: unknown pack \"{pack}\"");
                    if (!orders.Add(order)) throw new ReplayInputException($"{where}: order \"{order}\" is used twice");
                    ev = new ReplayEvent(i, at, new PayPackOrder(order, member, pack, at), null);
                    break;
                }
                case "retail":
                {
                    var at = Instant(el, "at", where);
                    var order = Str(el, "order", where);
                    var member = KnownMember(el, members, where);
                    var amount = Int64(el, "amountFen", where);
                    if (amount <= 0) throw new ReplayInputException($"{where}: non-positive amount {amount}");
                    if (amount > InputLimits.MaxOrderAmountFen)
                        throw new ReplayInputException($"{where}: amountFen is {amount} fen ({Money.FromFen(amount)}), it must be {InputLimits.Range(1, InputLimits.MaxOrderAmountFen)}");
                    if (!orders.Add(order)) throw new ReplayInputException($"{where}: order \"{order}\" is used twice");
                    ev = new ReplayEvent(i, at, new PayRetailOrder(order, member, amount, at), null);
                    break;
                }
                case "refund":
                {
                    var at = Instant(el, "at", where);
                    var order = Str(el, "order", where);
                    if (!orders.Contains(order)) throw new ReplayInputException($"{where}: unknown order \"{order}\"");
                    ev = new ReplayEvent(i, at, new RefundOrder(order, at), null);
                    break;
                }
                case "promote":
                {
                    var at = Instant(el, "at", where);
                    var member = KnownMember(el, members, where);
                    ev = new ReplayEvent(i, at, new AppointPartner(member, "replay", at), null);
                    break;
                }
                case "nightly":
                {
                    var text = Str(el, "date", where);
                    if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                        throw new ReplayInputException($"{where}: date \"{text}\" is not a yyyy-MM-dd date");
                    if (date < DateOnly.FromDateTime(InputLimits.EarliestEventTime.UtcDateTime) || date >= DateOnly.FromDateTime(InputLimits.LatestReplayTime.UtcDateTime))
                        throw new ReplayInputException($"{where}: date {text} is outside the replay window, 2000-01-01 to 2099-12-31");
                    ev = new ReplayEvent(i, PlatformTime.EndOfLocalDay(date), null, date);
                    break;
                }
                default:
                    throw new ReplayInputException($"{where}: unknown event type \"{type}\"");
            }
            if (ev.StandsAt < firstRuleSet)
                throw new ReplayInputException($"{where}: {ev.StandsAt:O} is before the first rule set (effective from {firstRuleSet:O})");
            if (list.Count > 0 && ev.StandsAt < list[^1].StandsAt)
                throw new ReplayInputException($"{where}: events out of time order ({ev.StandsAt:O} is before events[{i - 1}] at {list[^1].StandsAt:O})");
            list.Add(ev);
            i++;
        }
        return list;
    }

    private static string KnownMember(JsonElement el, HashSet<string> members, string where)
    {
        var m = Str(el, "member", where);
        return members.Contains(m) ? m : throw new ReplayInputException($"{where}: unknown member \"{m}\"");
    }

    private static string Str(JsonElement el, string name, string where)
    {
        if (!el.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new ReplayInputException($"{where}: missing {name}");
        if (v.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(v.GetString())) throw new ReplayInputException($"{where}: {name} must be a non-empty string");
        return v.GetString()!;
    }

    private static long Int64(JsonElement el, string name, string where)
    {
        if (!el.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) throw new ReplayInputException($"{where}: missing {name}");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n)) throw new ReplayInputException($"{where}: {name} must be an integer");
        return n;
    }

    private static DateTimeOffset Instant(JsonElement el, string name, string where)
    {
        var text = Str(el, name, where);
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw new ReplayInputException($"{where}: {name} \"{text}\" is not an ISO 8601 time");
        // Replays are historical, so the server's clock does not bound them; a fixed end keeps date arithmetic in range.
        if (InputLimits.CheckEventTime(name, at, InputLimits.LatestReplayTime.AddTicks(-1), "the end of the replay window") is { } problem)
            throw new ReplayInputException($"{where}: {problem}");
        return at;
    }
}
