using System.Globalization;

namespace LianDong.Domain.Engine;

/// <summary>
/// The ranges every amount, price and event time must fall in before it reaches the engine (docs/rules-engine.md,
/// "Input limits"). They are far above any real order and far below where <c>long</c> fen arithmetic could overflow:
/// with every entry at most <see cref="MaxOrderAmountFen"/>, a member's or a batch's sum would need about 9×10¹⁰ entries.
/// </summary>
public static class InputLimits
{
    /// <summary>A retail order: at most ¥1,000,000.00.</summary>
    public const long MaxOrderAmountFen = 100_000_000;

    /// <summary>A gift pack's price (and so its cost): at most ¥100,000.00.</summary>
    public const long MaxPackPriceFen = 10_000_000;

    /// <summary>A fixed reward of a rule set (direct, see-point, one-time peer): at most a pack's largest price.</summary>
    public const long MaxRewardFen = MaxPackPriceFen;

    /// <summary>
    /// The largest entry the nightly run settles. Nothing the limits accept posts more; an entry beyond it (stored before
    /// the limits existed, or written by hand) stays Pending instead of making the batch's sums overflow for everyone.
    /// </summary>
    public const long MaxEntryFen = MaxOrderAmountFen;

    /// <summary>No event (registration, payment, refund) may be dated before this instant.</summary>
    public static readonly DateTimeOffset EarliestEventTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead of the server's clock a live event may be dated (clock skew between storefront and console).</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Replay files carry historical times, so they are not held to the server's clock; only to this end.</summary>
    public static readonly DateTimeOffset LatestReplayTime = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>"from 1 fen to 100000000 fen (¥0.01 to ¥1,000,000.00)".</summary>
    public static string Range(long minFen, long maxFen) => $"from {minFen} fen to {maxFen} fen ({Money.FromFen(minFen)} to {Money.FromFen(maxFen)})";

    /// <summary>Null when <paramref name="at"/> is within [earliest, <paramref name="latest"/>]; otherwise why not.</summary>
    public static string? CheckEventTime(string name, DateTimeOffset at, DateTimeOffset latest, string latestMeans)
    {
        if (at < EarliestEventTime)
            return $"{name} {at:O} is before 2000-01-01T00:00:00Z, the earliest time an event may have";
        if (at > latest)
            return $"{name} {at:O} is after {latest.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({latestMeans}), the latest time an event may have";
        return null;
    }

    /// <summary>A live event's latest allowed time: the server's now plus <see cref="MaxFutureSkew"/>.</summary>
    public static DateTimeOffset LatestLiveTime(TimeProvider time) => time.GetUtcNow() + MaxFutureSkew;
}

/// <summary>Money arithmetic that fails loudly instead of wrapping around.</summary>
public static class FenMath
{
    /// <summary>floor(amount × percent / 100) for amount ≥ 0, computed in 128 bits; throws OverflowException if the share does not fit.</summary>
    public static long PercentOf(long amountFen, int percent) => checked((long)((Int128)amountFen * percent / 100));
}
