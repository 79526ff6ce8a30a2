namespace LianDong.Domain.Engine;

/// <summary>Base of the engine's refusals; the message is meant for the caller as is.</summary>
public abstract class EngineException(string message) : Exception(message);

/// <summary>A referenced member, referrer, pack or order does not exist (API: 404/422).</summary>
public sealed class UnknownReferenceException(string what, string id) : EngineException($"unknown {what} \"{id}\"")
{
    public string What { get; } = what;
    public string Id { get; } = id;
}

/// <summary>The same id was delivered before with different content (API: 409).</summary>
public sealed class IdempotencyConflictException(string what, string id, string difference)
    : EngineException($"{what} \"{id}\" was already applied with different content ({difference})");

/// <summary>
/// A rule set or pack breaks a compliance limit of section 9 (API: 422). <see cref="Details"/> are the limits and their
/// numbers (the console words them); <see cref="Violations"/> their English text, which names the limit and by how much.
/// </summary>
public sealed class ComplianceViolationException(IReadOnlyList<LianDong.Domain.Rules.RuleViolation> details)
    : EngineException(string.Join("; ", details))
{
    public IReadOnlyList<LianDong.Domain.Rules.RuleViolation> Details { get; } = details;
    public IReadOnlyList<string> Violations { get; } = details.Select(d => d.ToString()).ToList();
}

/// <summary>Anything else the rules refuse: no rule set in effect, a non-positive amount, a date not yet ended (API: 422).</summary>
public sealed class EngineRuleException(string message) : EngineException(message);

public enum ApplyOutcome { Applied, AlreadyApplied }
