using LianDong.Console.Settings;

namespace LianDong.Console.Api;

/// <summary>
/// One API write at a time in this process: a batch of the <see cref="EngineWriteQueue"/>, a payout-account write or a
/// pack write. SQLite has one writer; queueing here instead of in SQLite's busy handler keeps latency even.
/// Other processes on the same file are still serialized by SQLite (each engine call is a BEGIN IMMEDIATE transaction).
/// </summary>
public sealed class ApiWriteGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await write(); }
        finally { _gate.Release(); }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>
/// A body declared (by <c>Content-Length</c>) over <c>Api:MaxBodyBytes</c> is 413 before anything reads it, on every
/// /api/v1 endpoint; a chunked body is counted while it is read (<see cref="ApiJson"/>).
/// </summary>
public sealed class ApiDeclaredBodyLimit(ApiSettings settings) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next) =>
        invocation.HttpContext.Request.ContentLength > settings.MaxBodyBytes
            ? ValueTask.FromResult<object?>(ApiProblems.Of(StatusCodes.Status413PayloadTooLarge, "body",
                $"the body is larger than {settings.MaxBodyBytes} bytes (Api:MaxBodyBytes)"))
            : next(invocation);
}
