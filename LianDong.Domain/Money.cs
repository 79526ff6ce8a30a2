using System.Globalization;

namespace LianDong.Domain;

/// <summary>
/// An amount of money in fen (分), the one way every yuan text is made (docs/development.md, "Money").
/// Arithmetic is exact and checked on <see cref="long"/>; nothing goes through floating point.
/// Formats, always culture-invariant:
/// <list type="bullet">
/// <item><c>null</c>, "" or "G": "¥1,234.56", negative "-¥12.05" (screens, messages).</item>
/// <item>"F": "1234.56", negative "-12.05": no symbol, no separators (bank files, CSV, xlsx number cells).</item>
/// </list>
/// </summary>
public readonly record struct Money(long Fen) : IFormattable, IComparable<Money>
{
    public static Money Zero => default;

    public static Money FromFen(long fen) => new(fen);

    public static Money operator +(Money a, Money b) => new(checked(a.Fen + b.Fen));
    public static Money operator -(Money a, Money b) => new(checked(a.Fen - b.Fen));
    public static Money operator -(Money a) => new(checked(-a.Fen));
    public static bool operator <(Money a, Money b) => a.Fen < b.Fen;
    public static bool operator >(Money a, Money b) => a.Fen > b.Fen;
    public static bool operator <=(Money a, Money b) => a.Fen <= b.Fen;
    public static bool operator >=(Money a, Money b) => a.Fen >= b.Fen;

    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    /// <summary>"¥1,234.56".</summary>
    public override string ToString() => Format(grouped: true, symbol: true);

    /// <param name="format">null, "" or "G" for "¥1,234.56"; "F" for "1234.56".</param>
    /// <param name="formatProvider">Ignored: the text is the same in every culture.</param>
    public string ToString(string? format, IFormatProvider? formatProvider = null) => format switch
    {
        null or "" or "G" => Format(grouped: true, symbol: true),
        "F" => Format(grouped: false, symbol: false),
        _ => throw new FormatException($"Money format \"{format}\" is not G or F"),
    };

    private string Format(bool grouped, bool symbol)
    {
        // long.MinValue has no positive long: its magnitude is taken in ulong.
        var abs = Fen < 0 ? (ulong)(-(Fen + 1)) + 1 : (ulong)Fen;
        var yuan = (abs / 100).ToString(grouped ? "N0" : "D", CultureInfo.InvariantCulture);
        var fen = (abs % 100).ToString("D2", CultureInfo.InvariantCulture);
        return (Fen < 0 ? "-" : "") + (symbol ? "¥" : "") + yuan + "." + fen;
    }

    /// <summary>
    /// Reads what <see cref="ToString(string?, IFormatProvider?)"/> writes: an optional "-", an optional "¥", yuan with or
    /// without thousands separators (each group of three when present), and at most two decimals
    /// ("¥1,000.00", "1000", "-12.5"). Full-width digits, signs and separators as a Chinese input method types them
    /// ("１，０００．００", "￥12") read the same. False for anything else, and for an amount that does not fit in fen.
    /// </summary>
    public static bool TryParse(string? text, out Money money)
    {
        money = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = HalfWidth(text).Trim();
        var negative = t.StartsWith('-');
        if (negative) t = t[1..];
        if (t.StartsWith('¥')) t = t[1..];
        var dot = t.IndexOf('.');
        var whole = dot < 0 ? t : t[..dot];
        var cents = dot < 0 ? "" : t[(dot + 1)..];
        if (dot >= 0 && (cents.Length is 0 or > 2 || !cents.All(char.IsAsciiDigit))) return false;
        if (whole.Contains(','))
        {
            var groups = whole.Split(',');
            if (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3)) return false;
            whole = string.Concat(groups);
        }
        if (whole.Length is 0 or > 17 || !whole.All(char.IsAsciiDigit)) return false;
        var fen = (Int128)long.Parse(whole, CultureInfo.InvariantCulture) * 100
                  + (cents.Length == 0 ? 0 : int.Parse(cents.PadRight(2, '0'), CultureInfo.InvariantCulture));
        if (negative) fen = -fen;
        if (fen < long.MinValue || fen > long.MaxValue) return false;
        money = new Money((long)fen);
        return true;
    }

    /// <summary>Full-width digits, ，．－ and ￥ (U+FF00 block) and the ideographic space as their ASCII forms.</summary>
    private static string HalfWidth(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= '\uFF10' and <= '\uFF19' => (char)('0' + (c - '\uFF10')),
                '\uFF0C' => ',',
                '\uFF0E' => '.',
                '\uFF0D' => '-',
                '\uFFE5' => '¥',
                '\u3000' => ' ',
                _ => c,
            };
        }
    });
}
