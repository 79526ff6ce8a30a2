using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LianDong.Console.Api;

/// <summary>
/// The storefront API's authentication scheme: <c>Authorization: Bearer &lt;key&gt;</c>, checked against
/// <see cref="ApiKeyStore"/> on every request (so a revoked key is refused at once). Only the API's policy
/// (<see cref="PolicyName"/>) names this scheme, so a console session cookie never admits an API call, and an API key never
/// signs anyone into the console.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LianDong.ApiKey";
    public const string PolicyName = "LianDong.StorefrontApi";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var caller = await keys.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null) return AuthenticateResult.Fail("the API key is unknown or revoked");
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ApiKeyIdentity(caller)), SchemeName));
    }

    /// <summary>401 as a problem naming the Authorization header, with <c>WWW-Authenticate: Bearer</c>.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.None ? "no API key: send Authorization: Bearer <key>" : result.Failure?.Message ?? "the API key is unknown or revoked";
        Response.Headers.WWWAuthenticate = "Bearer";
        await ApiProblems.Of(StatusCodes.Status401Unauthorized, "Authorization", detail).ExecuteAsync(Context);
    }
}

/// <summary>The identity an API key signs in as; it carries the <see cref="ApiCaller"/> the key stands for.</summary>
public sealed class ApiKeyIdentity(ApiCaller caller) : ClaimsIdentity(
    [new Claim(ClaimTypes.NameIdentifier, caller.KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, caller.Actor)],
    ApiKeyAuthenticationHandler.SchemeName)
{
    public ApiCaller Caller { get; } = caller;
}
