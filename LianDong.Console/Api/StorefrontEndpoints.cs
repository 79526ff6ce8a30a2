using System.Globalization;
using System.Threading.RateLimiting;
using LianDong.Console.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LianDong.Console.Api;

/// <summary>The storefront API v1 routes (docs/api.md). Each handler reads its input, calls one StorefrontService method and answers.</summary>
public static class StorefrontEndpoints
{
    public const string OpenApiPath = "/api/v1/openapi.json";
    public const string RateLimitPolicy = "LianDong.ApiKeyRate";

    public static IServiceCollection AddStorefrontApi(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiWriteGate>();
        services.AddSingleton(sp => new EngineWriteQueue(sp.GetRequiredService<LianDong.Domain.Rewards.RewardEngineService>(),
            sp.GetRequiredService<ApiSettings>().MaxWriteBatch, sp.GetRequiredService<ApiWriteGate>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EngineWriteQueue>()));
        services.AddSingleton<ApiDeclaredBodyLimit>();
        services.AddSingleton<ApiJson>();
        // Validation of the request records (ApiContracts.cs); ApiJson runs it and answers the first fault.
        services.AddValidation();
        services.AddExceptionHandler<ApiExceptionHandler>();

        // Keys are an authentication scheme that only the API's policy names (the console's default stays the cookie).
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(ApiKeyAuthenticationHandler.PolicyName, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());

        // Per key: Api:RateLimit:PermitsPerMinute requests in each fixed one-minute window, no queueing (a storefront
        // retries after Retry-After). In memory, per process. Runs after authorization, so the key is known.
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, http => ApiCaller.Of(http.User) is { } caller
                ? RateLimitPartition.GetFixedWindowLimiter(caller.KeyId, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<ApiSettings>().PermitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter(0L));
            o.OnRejected = (rejected, _) =>
            {
                var http = rejected.HttpContext;
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var permits = http.RequestServices.GetRequiredService<ApiSettings>().PermitsPerMinute;
                return new ValueTask(ApiProblems.Of(StatusCodes.Status429TooManyRequests, null,
                    $"more than {permits} requests a minute with this key (Api:RateLimit:PermitsPerMinute); retry after {seconds} s").ExecuteAsync(http));
            };
        });
        services.AddSingleton<StorefrontService>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<OpenApiBearerScheme>();
        });
        return services;
    }

    /// <summary>
    /// Between routing and authentication: every exception under <c>/api</c> becomes a problem through
    /// <see cref="ApiExceptionHandler"/>, in every environment (the console's own exception page is for its pages).
    /// </summary>
    public static IApplicationBuilder UseStorefrontApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), b => b.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Reached only when ApiExceptionHandler declines (a cancelled request): nothing more to say to a client that left.
            ExceptionHandler = _ => Task.CompletedTask,
        }));

    /// <summary>After authorization, so the per-key limit knows the key.</summary>
    public static IApplicationBuilder UseStorefrontApiRateLimit(this IApplicationBuilder app) => app.UseRateLimiter();

    public static void MapStorefrontApi(this WebApplication app)
    {
        app.MapOpenApi(OpenApiPath).AllowAnonymous();

        // Key (401), then the per-key limit (429), then a declared body over Api:MaxBodyBytes (413), then the handler.
        var api = app.MapGroup("/api/v1").RequireAuthorization(ApiKeyAuthenticationHandler.PolicyName)
            .RequireRateLimiting(RateLimitPolicy).AddEndpointFilter<ApiDeclaredBodyLimit>().WithTags("storefront");

        api.MapPost("/members", async (HttpContext http, ApiJson json, StorefrontService s) =>
            Write(await s.RegisterAsync(await json.ReadAsync<RegisterMemberRequest>(http, http.RequestAborted), http.RequestAborted),
                r => $"/api/v1/members/{r.MemberId}"))
            .Accepts<RegisterMemberRequest>("application/json").Produces<MemberRegistration>(201).Produces<MemberRegistration>(200)
            .Problems(400, 401, 409, 413, 422, 429).WithSummary("Register a member with their referrer");

        api.MapGet("/members/{memberId}", async (string memberId, HttpContext http, StorefrontService s) =>
            TypedResults.Ok(await s.GetMemberAsync(ApiJson.PathId("memberId", memberId), http.RequestAborted)))
            .Produces<MemberDetail>(200).Problems(400, 401, 404, 429).WithSummary("Rank, leader, referrer, team counts and balances per bucket");

        api.MapGet("/members/{memberId}/entries", async (string memberId, HttpContext http, StorefrontService s) =>
            TypedResults.Ok(await s.GetEntriesAsync(ApiJson.PathId("memberId", memberId),
                Cursor(http, "before", long.MaxValue), Limit(http), http.RequestAborted)))
            .Produces<EntriesPage>(200).Problems(400, 401, 404, 429).WithSummary("The member's ledger entries, newest first (page with ?before=nextBefore&limit=)");

        api.MapGet("/members/{memberId}/referrals", async (string memberId, HttpContext http, StorefrontService s) =>
            TypedResults.Ok(await s.GetReferralsAsync(ApiJson.PathId("memberId", memberId),
                Cursor(http, "after", 0), Limit(http), http.RequestAborted)))
            .Produces<ReferralsPage>(200).Problems(400, 401, 404, 429).WithSummary("The member's direct referrals, oldest first (page with ?after=nextAfter&limit=)");

        api.MapPut("/members/{memberId}/payout-account", async (string memberId, HttpContext http, ApiJson json, StorefrontService s) =>
            Write(await s.SetPayoutAccountAsync(ApiJson.PathId("memberId", memberId),
                await json.ReadAsync<PayoutAccountRequest>(http, http.RequestAborted), ApiCaller.Of(http), http.RequestAborted),
                r => $"/api/v1/members/{r.MemberId}"))
            .Accepts<PayoutAccountRequest>("application/json").Produces<PayoutAccountDto>(201).Produces<PayoutAccountDto>(200)
            .Problems(400, 401, 404, 413, 429).WithSummary("Set where the member's payouts go (stored encrypted, answered masked)");

        api.MapPost("/orders", async (HttpContext http, ApiJson json, StorefrontService s) =>
            Write(await s.PayAsync(await json.ReadAsync<OrderRequest>(http, http.RequestAborted), ApiCaller.Of(http), http.RequestAborted),
                r => $"/api/v1/orders/{r.OrderId}"))
            .Accepts<OrderRequest>("application/json").Produces<OrderResult>(201).Produces<OrderResult>(200)
            .Problems(400, 401, 403, 409, 413, 422, 429).WithSummary("Report a paid pack or retail order; answers with the rank changes and entries it caused");

        api.MapPost("/orders/{orderId}/refund", async (string orderId, HttpContext http, ApiJson json, StorefrontService s) =>
            Write(await s.RefundAsync(ApiJson.PathId("orderId", orderId),
                await json.ReadAsync<RefundRequest>(http, http.RequestAborted), ApiCaller.Of(http), http.RequestAborted), null))
            .Accepts<RefundRequest>("application/json").Produces<RefundResult>(201).Produces<RefundResult>(200)
            .Problems(400, 401, 403, 404, 413, 422, 429).WithSummary("Report a refund; a repeated refund answers 200");

        api.MapPut("/packs/{code}", async (string code, HttpContext http, ApiJson json, StorefrontService s) =>
            Write(await s.PutPackAsync(ApiJson.PathId("code", code),
                await json.ReadAsync<PackRequest>(http, http.RequestAborted), ApiCaller.Of(http), http.RequestAborted), null))
            .Accepts<PackRequest>("application/json").Produces<PackDto>(201).Produces<PackDto>(200)
            .Problems(400, 401, 403, 409, 413, 422, 429).WithSummary("Create or update a gift pack (catalogue sync)");

        // Anything else under /api is a problem too, not the console's HTML pages or the sign-in redirect.
        // The write routes accept only JSON (their Accepts metadata is a routing constraint), so a write that lands here
        // with another or no Content-Type is 415, not 404.
        app.Map("/api/{**rest}", (HttpContext http) =>
            (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)) && !IsJson(http.Request.ContentType)
                ? ApiProblems.Of(StatusCodes.Status415UnsupportedMediaType, "Content-Type",
                    $"send the body as application/json (Content-Type was \"{http.Request.ContentType}\")")
                : ApiProblems.Of(StatusCodes.Status404NotFound, null, $"no API route {http.Request.Method} {http.Request.Path}"))
            .AllowAnonymous().ExcludeFromDescription();
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private static IResult Write<T>(ApiWrite<T> write, Func<T, string>? location) =>
        write.Created ? TypedResults.Created(location?.Invoke(write.Body), write.Body) : TypedResults.Ok(write.Body);

    private static long Cursor(HttpContext http, string name, long absent)
    {
        var raw = http.Request.Query[name].ToString();
        if (raw.Length == 0) return absent;
        return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v : throw ApiProblemException.BadRequest(name, $"{name} \"{raw}\" is not a cursor from a previous page");
    }

    private static int Limit(HttpContext http)
    {
        var raw = http.Request.Query["limit"].ToString();
        if (raw.Length == 0) return 50;
        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 200
            ? v : throw ApiProblemException.BadRequest("limit", $"limit \"{raw}\" must be from 1 to 200");
    }

    private static RouteHandlerBuilder Problems(this RouteHandlerBuilder b, params int[] statuses)
    {
        foreach (var s in statuses) b.ProducesProblem(s);
        return b;
    }
}
