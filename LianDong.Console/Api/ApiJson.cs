using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using LianDong.Console.Settings;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Validation;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace LianDong.Console.Api;

/// <summary>
/// Reads a request body into its typed record (<see cref="RegisterMemberRequest"/> and the others in ApiContracts.cs) and
/// has the framework validate it (AddValidation: the records' attributes), answering the first fault as a problem naming the
/// field. Why not the framework's own body parameter and validation filter: they answer with their own 400 (no
/// <c>field</c>, every error at once, no 422, no 413 for a chunked body), run before a handler checks its path ids, and stop
/// at the first wrongly typed value in document order; the API answers the first fault in the order of the record's fields
/// (docs/decisions/0010-storefront-api.md). So the body is read here, and each field is converted on its own with
/// System.Text.Json and the API's converters before the whole record is.
/// </summary>
public sealed partial class ApiJson
{
    private readonly JsonSerializerOptions _options;
    private readonly ValidationOptions _validation;
    private readonly long _maxBytes;
    private readonly ConcurrentDictionary<Type, Field[]> _fields = new();

    /// <param name="Opening">The start of a one-field object, <c>{"name":</c>, to convert the field on its own.</param>
    private sealed record Field(PropertyInfo Property, string JsonName, string Name, string Opening);

    public ApiJson(IOptions<HttpJsonOptions> json, IOptions<ValidationOptions> validation, ApiSettings settings)
    {
        var http = json.Value.SerializerOptions;
        _options = new JsonSerializerOptions(http)
        {
            // A field is its exact name (docs/api.md): "MemberId" is another, unknown field; "5" is not a whole number.
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            // A key sent twice in one JSON object is refused (System.Text.Json would keep the last one). Set here, on the
            // API's own options, not app-wide: on the app's HTTP JSON options it also reached Blazor's persisted
            // component state, whose antiforgery token then never reached the interactive pages (sign-out answered 400).
            AllowDuplicateProperties = false,
            TypeInfoResolver = (http.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(UseApiConverters),
        };
        _options.MakeReadOnly();
        _validation = validation.Value;
        _maxBytes = settings.MaxBodyBytes;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    public static bool IsId(string? s) => s is not null && IdPattern().IsMatch(s);

    /// <summary>Checks a path id: 400 when it is not 1–64 characters of A–Z a–z 0–9 _ -.</summary>
    public static string PathId(string name, string value) =>
        IsId(value) ? value : throw ApiProblemException.BadRequest(name, $"{name} \"{Shorten(value)}\" is not 1–64 characters of A–Z a–z 0–9 _ -");

    /// <summary>The body as <typeparamref name="T"/>, converted and validated; otherwise a problem for the first fault.</summary>
    public async Task<T> ReadAsync<T>(HttpContext http, CancellationToken ct) where T : class
    {
        var root = await ReadObjectAsync(http.Request, ct);
        var info = (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
        var fields = Fields(typeof(T));

        // Each field on its own, so a wrongly shaped value is found in field order (not document order) and the rest
        // still gets validated; the record is then made of the fields that converted.
        var shape = new Dictionary<string, string>();
        using var convertible = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(convertible))
        {
            writer.WriteStartObject();
            foreach (var f in fields)
            {
                if (!root.TryGetProperty(f.JsonName, out var value) || value.ValueKind == JsonValueKind.Null) continue;
                try
                {
                    JsonSerializer.Deserialize(f.Opening + value.GetRawText() + "}", info);
                    writer.WritePropertyName(f.JsonName);
                    value.WriteTo(writer);
                }
                catch (JsonException e)
                {
                    shape[f.Property.Name] = (e as ApiShapeException ?? e.InnerException as ApiShapeException)?.For(f.Name) ?? $"{f.Name} is not valid";
                }
            }
            writer.WriteEndObject();
        }
        var request = JsonSerializer.Deserialize(convertible.ToArray(), info)!;

        // Calling the framework's validation directly (rather than through its endpoint filter) is marked for evaluation in
        // .NET 10 (ASP0029); the contract snapshot test (ApiContractSnapshotTests) shows if a later version changes it.
#pragma warning disable ASP0029
        if (!_validation.TryGetValidatableTypeInfo(typeof(T), out var validatable))
            throw new InvalidOperationException($"{typeof(T).Name} has no validation info: is it [ValidatableType] in the web project, with AddValidation()?");
        var context = new ValidateContext { ValidationOptions = _validation, ValidationContext = new ValidationContext(request, http.RequestServices, null) };
        await validatable.ValidateAsync(request, context, ct);
        var errors = context.ValidationErrors;
#pragma warning restore ASP0029

        foreach (var f in fields)
        {
            if (shape.TryGetValue(f.Property.Name, out var wrong)) throw ApiProblemException.BadRequest(f.Name, wrong);
            if (ErrorsOf(errors, f) is [var message, ..])
            {
                var rule = RuleOf(f, request, message, http.RequestServices);
                throw new ApiProblemException(rule is IUnprocessableRule ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
                    (rule as IRuleOnField)?.Field ?? f.Name, message);
            }
        }
        return request;
    }

    private static string[]? ErrorsOf(IDictionary<string, string[]>? errors, Field f)
    {
        if (errors is null) return null;
        foreach (var (key, messages) in errors)
            if (key.Equals(f.Property.Name, StringComparison.OrdinalIgnoreCase) || key.Equals(f.JsonName, StringComparison.OrdinalIgnoreCase)) return messages;
        return null;
    }

    /// <summary>The rule of the field that refused with this message (the framework reports messages, not rules): its status and field.</summary>
    private static ValidationAttribute? RuleOf(Field f, object request, string message, IServiceProvider services)
    {
        var value = f.Property.GetValue(request);
        return f.Property.GetCustomAttributes<ValidationAttribute>(true).FirstOrDefault(rule =>
            rule.GetValidationResult(value, new ValidationContext(request, services, null) { MemberName = f.Property.Name })?.ErrorMessage == message);
    }

    private Field[] Fields(Type type) => _fields.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p =>
        {
            var json = _options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name;
            return new Field(p, json, json, "{" + JsonSerializer.Serialize(json) + ":");
        })
        .OrderBy(f => f.Property.MetadataToken) // declaration order: the order fields are checked in
        .ToArray());

    /// <summary>The API's converters on the request records' properties, for reading only (OpenAPI sees the plain types).</summary>
    private static void UseApiConverters(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || type.Type.Namespace != typeof(ApiJson).Namespace || !type.Type.Name.EndsWith("Request", StringComparison.Ordinal))
            return;
        foreach (var p in type.Properties)
        {
            var isId = p.AttributeProvider?.IsDefined(typeof(ApiIdAttribute), true) == true;
            p.CustomConverter = p.PropertyType switch
            {
                var t when t == typeof(string) => isId ? new ApiIdConverter() : new ApiTextConverter(),
                var t when t == typeof(DateTimeOffset?) => new ApiInstantConverter(),
                var t when t == typeof(long?) => new ApiWholeNumberConverter(),
                var t when t == typeof(bool?) => new ApiBoolConverter(),
                _ => p.CustomConverter,
            };
        }
    }

    /// <summary>
    /// The body within <c>Api:MaxBodyBytes</c> (413, whether declared or chunked), as a JSON object (400 otherwise), with no
    /// key repeated in any object.
    /// </summary>
    private async Task<JsonElement> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > _maxBytes) throw TooLarge(_maxBytes);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > _maxBytes) throw TooLarge(_maxBytes);
        }
        if (buffer.Length == 0) throw ApiProblemException.BadRequest("body", "the request has no body; send a JSON object");
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest("body", "the body must be a JSON object");
            RefuseRepeatedKeys(doc.RootElement, "");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw ApiProblemException.BadRequest("body", $"the body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    /// <summary>
    /// A key sent twice in one object is refused (400 naming it): a proxy or log that reads the first would see another
    /// request than the one applied. Done here, not only by System.Text.Json's <c>AllowDuplicateProperties = false</c> (set
    /// on the HTTP JSON options too): the serializer checks only the fields the record declares, so a key repeated inside an
    /// unknown field (<c>{"x":{"a":1,"a":2}}</c>) would pass, and its error names no field in the API's form (<c>x.a</c>).
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

    private static string Shorten(string s) => s.Length <= 70 ? s : s[..70] + "…";
}
