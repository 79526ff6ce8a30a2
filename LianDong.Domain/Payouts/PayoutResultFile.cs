using System.Globalization;

namespace LianDong.Domain.Payouts;

public sealed record PayoutResultRow(int LineNumber, string Reference, long AmountFen, bool Paid, string? Reason);

public sealed record PayoutResultParse(IReadOnlyList<PayoutResultRow> Rows, IReadOnlyList<string> Errors);

/// <summary>
/// The bank's result file: CSV (UTF-8) with a header row <c>reference,amount,result,reason</c>; amount in yuan with two
/// decimals; result <c>paid</c>/<c>success</c>/<c>成功</c> or <c>failed</c>/<c>fail</c>/<c>失败</c>. Pure parsing: every bad row is
/// reported with its line number, and a file with any error is applied not at all.
/// </summary>
public static class PayoutResultFile
{
    public const string Header = "reference,amount,result,reason";

    public static PayoutResultParse Parse(TextReader reader)
    {
        var rows = new List<PayoutResultRow>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var header = reader.ReadLine();
        if (header is null) return new([], ["line 1: the file is empty (expected the header " + Header + ")"]);
        if (!string.Equals(header.Trim().TrimStart('\uFEFF'), Header, StringComparison.OrdinalIgnoreCase))
            return new([], [$"line 1: header must be \"{Header}\", found \"{header}\""]);
        var n = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split(',', 4);
            if (f.Length < 3) { errors.Add($"line {n}: expected reference,amount,result[,reason], found \"{line}\""); continue; }
            var reference = f[0].Trim();
            if (reference.Length == 0) { errors.Add($"line {n}: reference is empty"); continue; }
            if (!seen.Add(reference)) { errors.Add($"line {n}: reference {reference} appears twice"); continue; }
            if (!TryParseYuan(f[1].Trim(), out var fen)) { errors.Add($"line {n}: amount \"{f[1].Trim()}\" is not yuan with at most two decimals"); continue; }
            bool? paid = f[2].Trim().ToLowerInvariant() switch
            {
                "paid" or "success" or "成功" => true,
                "failed" or "fail" or "失败" => false,
                _ => null,
            };
            if (paid is null) { errors.Add($"line {n}: result \"{f[2].Trim()}\" must be paid or failed"); continue; }
            var reason = f.Length > 3 && !string.IsNullOrWhiteSpace(f[3]) ? f[3].Trim() : null;
            rows.Add(new PayoutResultRow(n, reference, fen, paid.Value, reason));
        }
        if (rows.Count == 0 && errors.Count == 0) errors.Add("the file has no result rows");
        return new(rows, errors);
    }

    /// <summary>"123", "123.4", "123.45" → fen; no sign, no thousands separators, no more than two decimals.</summary>
    public static bool TryParseYuan(string text, out long fen)
    {
        fen = 0;
        var parts = text.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 || parts[0].Length > 15 || !parts[0].All(char.IsAsciiDigit)) return false;
        var cents = parts.Length == 2 ? parts[1] : "";
        if (cents.Length > 2 || !cents.All(char.IsAsciiDigit) || (parts.Length == 2 && cents.Length == 0)) return false;
        fen = long.Parse(parts[0], CultureInfo.InvariantCulture) * 100 + (cents.Length == 0 ? 0 : long.Parse(cents.PadRight(2, '0'), CultureInfo.InvariantCulture));
        return true;
    }
}
