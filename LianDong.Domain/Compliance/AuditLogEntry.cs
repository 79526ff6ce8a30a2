namespace LianDong.Domain.Compliance;

/// <summary>
/// One audited change: who (user id or "system:&lt;job&gt;"), when, what (an action code such as
/// <c>user.create</c>, <c>role.grant</c>, <c>ruleset.publish</c>, <c>fund.grant</c>), on which subject,
/// and the old → new values as short text or JSON. Rows are only ever inserted.
/// </summary>
public class AuditLogEntry
{
    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Actor { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string? OldValue { get; private set; }
    public string? NewValue { get; private set; }

    private AuditLogEntry() { }

    public AuditLogEntry(DateTimeOffset at, string actor, string action, string subject, string? oldValue, string? newValue)
    {
        At = at;
        Actor = actor;
        Action = action;
        Subject = subject;
        OldValue = oldValue;
        NewValue = newValue;
    }
}
