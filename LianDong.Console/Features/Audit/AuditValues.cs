using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LianDong.Console.Features.Shared;

namespace LianDong.Console.Features.Audit;

/// <summary>
/// An audit entry's old or new value as a person reads it. The log keeps what each writer wrote: "key=value; …" text,
/// JSON (with Chinese as \uXXXX escapes), amounts in fen (keys ending in "Fen") and instants in UTC. Shown as
/// "key=value; …" with the text unescaped, amounts as yuan ("amount=¥10.00") and instants in Asia/Shanghai time.
/// </summary>
public static partial class AuditValues
{
    public static string Readable(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "—";
        var text = value.Trim();
        if (text[0] is '{' or '[' && TryJson(text) is { } json) return json;
        return string.Join("; ", Unescape(text).Split("; ").Select(Pair));
    }

    private static string? TryJson(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var parts = new List<string>();
            Flatten(doc.RootElement, "", parts);
            return parts.Count == 0 ? "—" : string.Join("; ", parts);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Flatten(JsonElement e, string name, List<string> parts)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Flatten(p.Value, name == "" ? p.Name : name + "." + p.Name, parts);
                break;
            case JsonValueKind.Array:
                var items = e.EnumerateArray().Select(i => i.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? i.GetRawText() : Scalar(i)).ToList();
                parts.Add(Field(name, "[" + string.Join(", ", items) + "]"));
                break;
            default:
                parts.Add(Field(name, Scalar(e)));
                break;
        }
    }

    private static string Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Null => "—",
        _ => e.GetRawText(),
    };

    /// <summary>"amountFen=1000" → "amount=¥10.00"; an ISO instant → local time; anything else as is.</summary>
    private static string Pair(string part)
    {
        var eq = part.IndexOf('=');
        return eq <= 0 ? part : Field(part[..eq], part[(eq + 1)..]);
    }

    private static string Field(string name, string value)
    {
        if (name.EndsWith("Fen", StringComparison.Ordinal) && name.Length > 3
            && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var fen))
            return $"{name[..^3]}={Display.Yuan(fen)}";
        if (value.Length >= 19 && value[10] == 'T'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return $"{name}={Display.Local(at)}";
        return name == "" ? value : $"{name}={value}";
    }

    /// <summary>\uXXXX escapes (and \" \\ \/ inside such text) as the characters they stand for.</summary>
    private static string Unescape(string text) =>
        !text.Contains('\\') ? text : Escape().Replace(text, m => m.Groups[1].Success
            ? ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString()
            : m.Groups[2].Value);

    [GeneratedRegex(@"\\u([0-9a-fA-F]{4})|\\([""\\/])")]
    private static partial Regex Escape();
}
