using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using LianDong.Domain.Engine;

namespace LianDong.Console.Api;

// The request records' JSON shapes (converters, set on the records' properties by ApiJson's reading options only, so the
// OpenAPI document still sees plain strings, numbers, booleans and date-times) and their rules (validation attributes,
// run by the framework's validation). A shape failure is 400 naming the field; a rule marked IUnprocessableRule is 422.

/// <summary>An id: 1–64 characters of A–Z a–z 0–9 _ - (checked by its converter, as the JSON shape of the field).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ApiIdAttribute : Attribute;

/// <summary>A rule whose refusal is 422 (a well-formed value outside what the console accepts), not 400.</summary>
public interface IUnprocessableRule;

/// <summary>A rule placed on one property for its turn in the order of checks, whose refusal names another field.</summary>
public interface IRuleOnField
{
    string Field { get; }
}

/// <summary>A field whose JSON value has the wrong shape; <see cref="Template"/> has <c>{0}</c> for the field's name.</summary>
public sealed class ApiShapeException(string template) : JsonException(template)
{
    public string Template { get; } = template;
    public string For(string field) => string.Format(CultureInfo.InvariantCulture, Template, field);

    public const string NotText = "{0} is not valid text (it escapes a lone UTF-16 surrogate)";
    public const string NotId = "{0} must be 1–64 characters of A–Z a–z 0–9 _ -";
}

/// <summary>Text, trimmed; an empty string is absent.</summary>
public sealed class ApiTextConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new ApiShapeException("{0} must be a string");
        var s = ApiJsonText.Of(ref reader).Trim();
        return s.Length == 0 ? null : s;
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

public sealed class ApiIdConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var id = reader.TokenType == JsonTokenType.String ? ApiJsonText.Of(ref reader) : null;
        return ApiJson.IsId(id) ? id : throw new ApiShapeException(ApiShapeException.NotId);
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>An ISO-8601 instant with an offset (Z or ±hh:mm); a local time without one is refused.</summary>
public sealed partial class ApiInstantConverter : JsonConverter<DateTimeOffset?>
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.TokenType == JsonTokenType.String ? ApiJsonText.Of(ref reader) : "";
        if (!InstantPattern().IsMatch(s) || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            throw new ApiShapeException("{0} must be an ISO-8601 time with an offset, e.g. 2026-01-05T10:00:00+08:00");
        return at;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options) => writer.WriteStringValue(value!.Value);
}

public sealed class ApiWholeNumberConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : throw new ApiShapeException("{0} must be a whole number");

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => writer.WriteNumberValue(value!.Value);
}

public sealed class ApiBoolConverter : JsonConverter<bool?>
{
    public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new ApiShapeException("{0} must be true or false"),
    };

    public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options) => writer.WriteBooleanValue(value!.Value);
}

internal static class ApiJsonText
{
    /// <summary>
    /// The string value; JSON that escapes a lone UTF-16 surrogate (<c>"\ud800"</c>) has no string value, which
    /// System.Text.Json reports as InvalidOperationException: a 400 naming the field, not a 500.
    /// </summary>
    public static string Of(ref Utf8JsonReader reader)
    {
        try { return reader.GetString()!; }
        catch (InvalidOperationException) { throw new ApiShapeException(ApiShapeException.NotText); }
    }
}

/// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> (400 outside).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class WholeRangeAttribute(string field, long min, long max) : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is long n && (n < min || n > max) ? new ValidationResult($"{field} is {n}, it must be from {min} to {max}") : ValidationResult.Success;
}

/// <summary>An amount in fen above <paramref name="max"/>: 422 naming the field and the range in yuan.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FenAtMostAttribute(string field, long min, long max) : ValidationAttribute, IUnprocessableRule
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is long n && n > max
            ? new ValidationResult($"{field} is {n} fen ({LianDong.Domain.Money.FromFen(n)}), it must be {InputLimits.Range(min, max)}")
            : ValidationResult.Success;
}

/// <summary>
/// An event's time within the window (docs/api.md): from 2000-01-01 to five minutes after the server's clock
/// (the <see cref="TimeProvider"/> of the request's services); outside it 422 naming the field.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EventTimeAttribute(string field) : ValidationAttribute, IUnprocessableRule
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        if (value is not DateTimeOffset at) return ValidationResult.Success;
        var time = context.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        return InputLimits.CheckEventTime(field, at, InputLimits.LatestLiveTime(time), "the server's time + 5 minutes") is { } problem
            ? new ValidationResult(problem) : ValidationResult.Success;
    }
}

/// <summary>An order's kind is "pack" or "retail" (on paidAt: checked after it, before the fields that depend on the kind).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OrderKindAttribute : ValidationAttribute, IRuleOnField
{
    public string Field => "kind";

    public static string? Refusal(string? kind) => kind is null or "pack" or "retail" ? null : $"kind \"{kind}\" is not \"pack\" or \"retail\"";

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        Refusal((context.ObjectInstance as OrderRequest)?.Kind) is { } refusal ? new ValidationResult(refusal) : ValidationResult.Success;
}

/// <summary>A pack order names its pack; a retail order has none.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PackCodeForKindAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) => (context.ObjectInstance as OrderRequest)?.Kind switch
    {
        "pack" when value is null => new ValidationResult("packCode is required for a pack order"),
        "retail" when value is not null => new ValidationResult("a retail order has no packCode"),
        _ => ValidationResult.Success,
    };
}

/// <summary>A retail order states its amount (a pack order's is the pack's price).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AmountForKindAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        (context.ObjectInstance as OrderRequest)?.Kind == "retail" && value is null
            ? new ValidationResult("amountFen is required for a retail order") : ValidationResult.Success;
}
