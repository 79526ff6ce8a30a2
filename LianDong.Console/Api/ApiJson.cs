using LianDong.Domain;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LianDong.Domain.Engine;

namespace LianDong.Console.Api;

/// <summary>
/// Reads a request body within <c>Api:MaxBodyBytes</c> and takes typed fields out of it, each failure a 400
/// naming the field. Hand-rolled rather than model binding so every message names the field the
/// storefront sent wrong, and nothing reaches the engine half-validated.
/// </summary>
public sealed partial class ApiJson
{
    private readonly JsonElement _root;

    private ApiJson(JsonElement root) => _root = root;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    public static bool IsId(string? s) => s is not null && IdPattern().IsMatch(s);

    /// <summary>Checks a path id: 400 when it is not 1–64 characters of A–Z a–z 0–9 _ -.</summary>
    public static string PathId(string name, string value) =>
        IsId(value) ? value : throw ApiProblemException.BadRequest(name, $"{name} \"{Shorten(value)}\" is not 1–64 characters of A–Z a–z 0–9 _ -");

    public static async Task<ApiJson> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes) throw TooLarge(maxBytes);
        }
        if (buffer.Length == 0) throw ApiProblemException.BadRequest("body", "the request has no body; send a JSON object");
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest("body", "the body must be a JSON object");
            RefuseRepeatedKeys(doc.RootElement, "");
            return new ApiJson(doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw ApiProblemException.BadRequest("body", $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    /// <summary>
    /// A key sent twice in one object is refused (400 naming it): System.Text.Json would keep the last, so a proxy or log
    /// that reads the first would see another request than the one applied. (.NET 9 has no AllowDuplicateProperties.)
    /// </summary>
    private static void RefuseRepeatedKeys(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    var name = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    if (!seen.Add(p.Name))
                        throw ApiProblemException.BadRequest(name, $"{Shorten(name)} appears more than once in the body; send each field once");
                    RefuseRepeatedKeys(p.Value, name);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) RefuseRepeatedKeys(item, $"{path}[{i++}]");
                break;
        }
    }

    private static ApiProblemException TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "body", $"the body is larger than {maxBytes} bytes (Api:MaxBodyBytes)");

    private JsonElement? Get(string name) =>
        _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private JsonElement Required(string name) => Get(name) ?? throw ApiProblemException.BadRequest(name, $"{name} is required");

    public string? OptionalString(string name, int maxLength)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String) throw ApiProblemException.BadRequest(name, $"{name} must be a string");
        var s = Text(name, v).Trim();
        if (s.Length > maxLength) throw ApiProblemException.BadRequest(name, $"{name} is longer than {maxLength} characters");
        return s.Length == 0 ? null : s;
    }

    public string RequiredString(string name, int maxLength) =>
        OptionalString(name, maxLength) ?? throw ApiProblemException.BadRequest(name, $"{name} is required");

    public string? OptionalId(string name)
    {
        if (Get(name) is not { } v) return null;
        var id = v.ValueKind == JsonValueKind.String ? Text(name, v) : null;
        if (!IsId(id))
            throw ApiProblemException.BadRequest(name, $"{name} must be 1–64 characters of A–Z a–z 0–9 _ -");
        return id;
    }

    public string RequiredId(string name) => OptionalId(name) ?? throw ApiProblemException.BadRequest(name, $"{name} is required");

    /// <summary>An ISO-8601 instant with an offset (Z or ±hh:mm); a local time without one is refused.</summary>
    public DateTimeOffset RequiredInstant(string name)
    {
        var v = Required(name);
        var s = v.ValueKind == JsonValueKind.String ? Text(name, v) : "";
        if (!InstantPattern().IsMatch(s) || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            throw ApiProblemException.BadRequest(name, $"{name} must be an ISO-8601 time with an offset, e.g. 2026-01-05T10:00:00+08:00");
        return at;
    }

    /// <summary>
    /// <see cref="RequiredInstant"/> within the event window (docs/api.md): from 2000-01-01 to five minutes after the
    /// server's clock; outside it 422 naming the field.
    /// </summary>
    public DateTimeOffset RequiredEventTime(string name, TimeProvider time)
    {
        var at = RequiredInstant(name);
        if (InputLimits.CheckEventTime(name, at, InputLimits.LatestLiveTime(time), "the server's time + 5 minutes") is { } problem)
            throw ApiProblemException.Unprocessable(name, problem);
        return at;
    }

    /// <summary>
    /// A whole number of fen: not a whole number or below <paramref name="min"/> is 400 (as for any number); above
    /// <paramref name="max"/> is 422 naming the field and the range in yuan.
    /// </summary>
    public long? OptionalFen(string name, long min, long max)
    {
        var n = OptionalLong(name, min, long.MaxValue);
        if (n > max)
            throw ApiProblemException.Unprocessable(name, $"{name} is {n} fen ({Money.FromFen(n.Value)}), it must be {InputLimits.Range(min, max)}");
        return n;
    }

    public long? OptionalLong(string name, long min, long max)
    {
        if (Get(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
            throw ApiProblemException.BadRequest(name, $"{name} must be a whole number");
        if (n < min || n > max) throw ApiProblemException.BadRequest(name, $"{name} is {n}, it must be from {min} to {max}");
        return n;
    }

    public long RequiredLong(string name, long min, long max) =>
        OptionalLong(name, min, max) ?? throw ApiProblemException.BadRequest(name, $"{name} is required");

    public bool RequiredBool(string name)
    {
        var v = Required(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiProblemException.BadRequest(name, $"{name} must be true or false"),
        };
    }

    /// <summary>
    /// The string value; JSON that escapes a lone UTF-16 surrogate (<c>"\ud800"</c>) parses but has no string
    /// value, which System.Text.Json reports as InvalidOperationException: a 400 naming the field, not a 500.
    /// </summary>
    private static string Text(string name, JsonElement v)
    {
        try { return v.GetString()!; }
        catch (InvalidOperationException) { throw ApiProblemException.BadRequest(name, $"{name} is not valid text (it escapes a lone UTF-16 surrogate)"); }
    }

    private static string Shorten(string s) => s.Length <= 70 ? s : s[..70] + "…";
}
