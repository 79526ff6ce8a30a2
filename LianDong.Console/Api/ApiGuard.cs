using System.Threading.RateLimiting;
using LianDong.Console.Settings;

namespace LianDong.Console.Api;

/// <summary>
/// Per-key rate limit: <c>Api:RateLimit:PermitsPerMinute</c> requests in each fixed one-minute window,
/// no queueing (a storefront retries after <c>Retry-After</c>). In memory, per process.
/// </summary>
public sealed class ApiRateLimiter(ApiSettings settings) : IDisposable
{
    private readonly PartitionedRateLimiter<long> _limiter = PartitionedRateLimiter.Create<long, long>(keyId =>
        RateLimitPartition.GetFixedWindowLimiter(keyId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>Null when the request may go on; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(long keyId)
    {
        using var lease = _limiter.AttemptAcquire(keyId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}

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
/// Every /api/v1 endpoint except the OpenAPI document goes through this filter: the Bearer key (401),
/// the per-key rate limit (429 with Retry-After), a declared body over <c>Api:MaxBodyBytes</c> (413), and the
/// mapping of every refusal to a problem. The caller is then available as <see cref="Caller"/>.
/// </summary>
public sealed class ApiGuard(ApiKeyStore keys, ApiRateLimiter limiter, ApiSettings settings, ILogger<ApiGuard> log) : IEndpointFilter
{
    private const string CallerItem = "LianDong.ApiCaller";

    public static ApiCaller Caller(HttpContext context) =>
        context.Items[CallerItem] as ApiCaller ?? throw new InvalidOperationException("The API guard did not run for this endpoint.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Unauthorized(http, "no API key: send Authorization: Bearer <key>");
        var caller = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), http.RequestAborted);
        if (caller is null) return Unauthorized(http, "the API key is unknown or revoked");

        if (limiter.TryAcquire(caller.KeyId) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ApiProblems.Of(StatusCodes.Status429TooManyRequests, null,
                $"more than {settings.PermitsPerMinute} requests a minute with this key (Api:RateLimit:PermitsPerMinute); retry after {seconds} s");
        }
        if (http.Request.ContentLength > settings.MaxBodyBytes)
            return ApiProblems.Of(StatusCodes.Status413PayloadTooLarge, "body", $"the body is larger than {settings.MaxBodyBytes} bytes (Api:MaxBodyBytes)");

        http.Items[CallerItem] = caller;
        try
        {
            return await next(invocation);
        }
        catch (ApiProblemException e)
        {
            return ApiProblems.Of(e);
        }
        catch (EngineWriteQueueClosedException e)
        {
            http.Response.Headers.RetryAfter = "5";
            return ApiProblems.Of(StatusCodes.Status503ServiceUnavailable, null, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            log.LogInformation(e, "Unreadable API request {Path}", http.Request.Path);
            return ApiProblems.Of(e.StatusCode, "body", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of ours, not of the input. The engine's transaction has rolled back, so nothing is half-applied,
            // and the storefront gets a problem it can retry rather than the console's HTML error page.
            log.LogError(e, "API request {Method} {Path} failed", http.Request.Method, http.Request.Path);
            return ApiProblems.Of(StatusCodes.Status500InternalServerError, null, "the request failed inside the console and was not applied; retry it (trace id " + http.TraceIdentifier + ")");
        }
    }

    private static object Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Of(StatusCodes.Status401Unauthorized, "Authorization", detail);
    }
}
