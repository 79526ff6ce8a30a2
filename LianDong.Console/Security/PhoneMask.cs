using System.Text.RegularExpressions;

namespace LianDong.Console.Security;

/// <summary>
/// Masks mainland mobile numbers (11 digits starting 1[3-9], optionally +86/86) as 138****5678,
/// so log lines carry no full phone number. Digits inside longer digit runs (order ids, amounts)
/// are left alone.
/// </summary>
public static partial class PhoneMask
{
    [GeneratedRegex(@"(?<![0-9])(?<prefix>(?:\+?86[- ]?)?)(?<head>1[3-9][0-9])(?<middle>[0-9]{4})(?<tail>[0-9]{4})(?![0-9])")]
    private static partial Regex Phone();

    public static string Mask(string? text) =>
        string.IsNullOrEmpty(text) ? text ?? "" : Phone().Replace(text, m => $"{m.Groups["prefix"].Value}{m.Groups["head"].Value}****{m.Groups["tail"].Value}");
}
