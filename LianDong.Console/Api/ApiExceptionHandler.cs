using Microsoft.AspNetCore.Diagnostics;

namespace LianDong.Console.Api;

/// <summary>
/// The one place where an exception from a storefront API call becomes a problem (docs/api.md): a refusal
/// (<see cref="ApiProblemException"/>) with its status and field; a write that reached a stopping console, 503 with
/// <c>Retry-After: 5</c>; a request the server could not read, its status; anything else, 500 with a trace id. Outside
/// <c>/api</c> it declines, so the console's own error page is unchanged.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!http.Request.Path.StartsWithSegments("/api") || exception is OperationCanceledException) return false;
        IResult problem;
        switch (exception)
        {
            case ApiProblemException e:
                problem = ApiProblems.Of(e);
                break;
            case EngineWriteQueueClosedException e:
                http.Response.Headers.RetryAfter = "5";
                problem = ApiProblems.Of(StatusCodes.Status503ServiceUnavailable, null, e.Message);
                break;
            case BadHttpRequestException e:
                log.LogInformation(e, "Unreadable API request {Path}", http.Request.Path);
                problem = ApiProblems.Of(e.StatusCode, "body", e.Message);
                break;
            default:
                // A fault of ours, not of the input. The engine's transaction has rolled back, so nothing is half-applied,
                // and the storefront gets a problem it can retry rather than the console's HTML error page.
                log.LogError(exception, "API request {Method} {Path} failed", http.Request.Method, http.Request.Path);
                problem = ApiProblems.Of(StatusCodes.Status500InternalServerError, null,
                    "the request failed inside the console and was not applied; retry it (trace id " + http.TraceIdentifier + ")");
                break;
        }
        await problem.ExecuteAsync(http);
        return true;
    }
}
