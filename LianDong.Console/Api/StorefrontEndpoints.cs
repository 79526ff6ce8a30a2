using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Globalization;
using LianDong.Console.Settings;

namespace LianDong.Console.Api;

/// <summary>The storefront API v1 routes (docs/api.md). Each handler reads its input, calls one StorefrontService method and answers.</summary>
public static class StorefrontEndpoints
{
    public const string OpenApiPath = "/api/v1/openapi.json";

    public static IServiceCollection AddStorefrontApi(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiRateLimiter>();
        services.AddSingleton<ApiWriteGate>();
        services.AddSingleton(sp => new EngineWriteQueue(sp.GetRequiredService<LianDong.Domain.Rewards.RewardEngineService>(),
            sp.GetRequiredService<ApiSettings>().MaxWriteBatch, sp.GetRequiredService<ApiWriteGate>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EngineWriteQueue>()));
        services.AddSingleton<ApiGuard>();
        services.AddSingleton<StorefrontService>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<OpenApiBearerScheme>();
        });
        return services;
    }

    public static void MapStorefrontApi(this WebApplication app)
    {
        app.MapOpenApi(OpenApiPath).AllowAnonymous();

        var api = app.MapGroup("/api/v1").AllowAnonymous().AddEndpointFilter<ApiGuard>().WithTags("storefront");
        var maxBody = () => app.Services.GetRequiredService<ApiSettings>().MaxBodyBytes;

        api.MapPost("/members", async (HttpContext http, StorefrontService s) =>
            Write(await s.RegisterAsync(await ApiJson.ReadAsync(http.Request, maxBody(), http.RequestAborted), http.RequestAborted),
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

        api.MapPut("/members/{memberId}/payout-account", async (string memberId, HttpContext http, StorefrontService s) =>
            Write(await s.SetPayoutAccountAsync(ApiJson.PathId("memberId", memberId),
                await ApiJson.ReadAsync(http.Request, maxBody(), http.RequestAborted), ApiGuard.Caller(http), http.RequestAborted),
                r => $"/api/v1/members/{r.MemberId}"))
            .Accepts<PayoutAccountRequest>("application/json").Produces<PayoutAccountDto>(201).Produces<PayoutAccountDto>(200)
            .Problems(400, 401, 404, 413, 429).WithSummary("Set where the member's payouts go (stored encrypted, answered masked)");

        api.MapPost("/orders", async (HttpContext http, StorefrontService s) =>
            Write(await s.PayAsync(await ApiJson.ReadAsync(http.Request, maxBody(), http.RequestAborted), ApiGuard.Caller(http), http.RequestAborted),
                r => $"/api/v1/orders/{r.OrderId}"))
            .Accepts<OrderRequest>("application/json").Produces<OrderResult>(201).Produces<OrderResult>(200)
            .Problems(400, 401, 403, 409, 413, 422, 429).WithSummary("Report a paid pack or retail order; answers with the rank changes and entries it caused");

        api.MapPost("/orders/{orderId}/refund", async (string orderId, HttpContext http, StorefrontService s) =>
            Write(await s.RefundAsync(ApiJson.PathId("orderId", orderId),
                await ApiJson.ReadAsync(http.Request, maxBody(), http.RequestAborted), ApiGuard.Caller(http), http.RequestAborted), null))
            .Accepts<RefundRequest>("application/json").Produces<RefundResult>(201).Produces<RefundResult>(200)
            .Problems(400, 401, 403, 404, 413, 422, 429).WithSummary("Report a refund; a repeated refund answers 200");

        api.MapPut("/packs/{code}", async (string code, HttpContext http, StorefrontService s) =>
            Write(await s.PutPackAsync(ApiJson.PathId("code", code),
                await ApiJson.ReadAsync(http.Request, maxBody(), http.RequestAborted), ApiGuard.Caller(http), http.RequestAborted), null))
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
