namespace LianDong.Console.Features.Shared;

/// <summary>What a service did with a user's request: done, or refused with a message fit to show.</summary>
public readonly record struct Outcome(string? Error)
{
    public bool Ok => Error is null;
    public static Outcome Success => new(null);
    public static Outcome Fail(string error) => new(error);
}

/// <summary>Short "key=value; key=value" text for the audit log's old and new values.</summary>
public static class AuditText
{
    public static string? Of(params (string Key, object? Value)[] fields)
    {
        var parts = fields.Where(f => f.Value is not null && f.Value.ToString() != "").Select(f => $"{f.Key}={f.Value}").ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
