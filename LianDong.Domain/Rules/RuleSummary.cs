namespace LianDong.Domain.Rules;

/// <summary>A pack as the compliance check sees it.</summary>
public sealed record PackFigures(string Code, string Name, long PriceFen, long CostFen);

/// <summary>
/// What the rule-set editor shows beside a draft: the compliance problems (section 9, against every pack that is on).
/// A pure function of the draft, so the page shows them live; the console words them and the summary in the user's
/// language (RuleWords).
/// </summary>
public static class RuleSummary
{
    /// <summary>Every reason the draft cannot be published; empty when it may be.</summary>
    public static IReadOnlyList<RuleViolation> Compliance(RuleParameters p, IEnumerable<PackFigures> packsOn)
    {
        var messages = RuleSetValidator.Violations(p).ToList();
        foreach (var pack in packsOn.OrderBy(x => x.Code))
            if (RuleSetValidator.PackViolation(pack.Code, pack.PriceFen, pack.CostFen, p) is { } v) messages.Add(v);
        return messages;
    }
}
