using LianDong.Domain.Engine;

namespace LianDong.Domain.Rules;

/// <summary>
/// Why a rule set or a pack breaks a limit (rule book section 9), as data: the limit and the numbers, so the console
/// can say it in the user's language and in yuan. <see cref="ToString"/> is the English text the HTTP API, the CLI and
/// the replay have always given, kept byte for byte (clients and scripts read it).
/// </summary>
public abstract record RuleViolation
{
    public abstract override string ToString();
}

/// <summary>A field below its minimum; <paramref name="Fen"/> when the numbers are amounts.</summary>
public sealed record BelowMinimum(string Field, long Value, long Minimum, bool Fen = false) : RuleViolation
{
    public override string ToString()
    {
        var unit = Fen ? " fen" : "";
        return $"{Field} is {Value}{unit}, {Minimum - Value}{unit} below the minimum {Minimum}{unit}";
    }
}

/// <summary>A percent above 100, or a fixed reward above the largest pack price (<paramref name="Fen"/>).</summary>
public sealed record AboveMaximum(string Field, long Value, long Maximum, bool Fen = false) : RuleViolation
{
    public override string ToString() => Fen
        ? $"{Field} is {Value} fen, {Value - Maximum} fen above the maximum {Maximum} fen ({Money.FromFen(Maximum)})"
        : $"{Field} is {Value}, {Value - Maximum} above the maximum {Maximum}";
}

/// <summary>A field above the platform's fixed limit (referral distance 3, retail cap 40%).</summary>
public sealed record AboveLimit(string Field, long Value, long Limit) : RuleViolation
{
    public override string ToString() => $"{Field} is {Value}, {Value - Limit} above the limit {Limit}";
}

/// <summary>The three retail percents add up to more than the rule set's own cap.</summary>
public sealed record RetailTotalAboveCap(long TotalPercent, long CapPercent) : RuleViolation
{
    public override string ToString() => $"retail percents sum to {TotalPercent}, {TotalPercent - CapPercent} above retail.maxTotalPercent {CapPercent}";
}

/// <summary>The time zone is fixed to the platform's.</summary>
public sealed record TimeZoneFixed(string TimeZone) : RuleViolation
{
    public override string ToString() =>
        $"timeZone is \"{TimeZone}\", but the platform time zone is set once to \"{RuleParameters.PlatformTimeZone}\"";
}

/// <summary>
/// The payout limit: the largest payout per qualifying order of a pack is above its margin (price − cost);
/// <paramref name="RuleSetVersion"/> names the version when the pack is checked against the published ones.
/// </summary>
public sealed record PayoutAboveMargin(string PackCode, long MaxPayoutFen, long MarginFen, int? RuleSetVersion = null) : RuleViolation
{
    public override string ToString() =>
        $"largest payout per qualifying order for {PackCode} is {MaxPayoutFen} fen, {MaxPayoutFen - MarginFen} fen above price − cost {MarginFen}"
        + (RuleSetVersion is { } v ? $" (rule set v{v})" : "");
}

public sealed record PackPriceNotPositive(long PriceFen) : RuleViolation
{
    public override string ToString() => $"priceFen is {PriceFen}, it must be positive";
}

public sealed record PackPriceAboveMaximum(long PriceFen) : RuleViolation
{
    public override string ToString() =>
        $"priceFen is {PriceFen} fen ({Money.FromFen(PriceFen)}), it must be {InputLimits.Range(1, InputLimits.MaxPackPriceFen)}";
}

public sealed record PackCostNegative(long CostFen) : RuleViolation
{
    public override string ToString() => $"costFen is {CostFen}, it must not be negative";
}

public sealed record PackCostAbovePrice(long CostFen, long PriceFen) : RuleViolation
{
    public override string ToString() =>
        $"costFen is {CostFen} fen ({Money.FromFen(CostFen)}), above priceFen {PriceFen} fen ({Money.FromFen(PriceFen)}); the cost must be from 0 to the price";
}

/// <summary>A version may not take effect before now: publishing never rewrites the past.</summary>
public sealed record EffectiveInPast(DateTimeOffset EffectiveFrom, DateTimeOffset Now) : RuleViolation
{
    public override string ToString() => $"effectiveFrom {EffectiveFrom:O} is in the past (now {Now:O}); publishing never rewrites the past";
}

/// <summary>A version must take effect after the latest one that was not withdrawn.</summary>
public sealed record EffectiveNotAfterLatest(DateTimeOffset EffectiveFrom, int LatestVersion, DateTimeOffset LatestEffectiveFrom) : RuleViolation
{
    public override string ToString() => $"effectiveFrom {EffectiveFrom:O} must be after version {LatestVersion}'s {LatestEffectiveFrom:O}";
}
