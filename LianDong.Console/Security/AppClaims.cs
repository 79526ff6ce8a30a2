using System.Globalization;
using System.Security.Claims;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LianDong.Console.Security;

/// <summary>Claims the console adds to a signed-in user, beside Identity's name, id and roles.</summary>
public static class AppClaims
{
    /// <summary>The merchant a Merchant user acts for (absent for users bound to none).</summary>
    public const string MerchantId = "liandong:merchant_id";

    public const string DisplayName = "liandong:display_name";

    public static long? GetMerchantId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(MerchantId), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}

/// <summary>Puts the bound merchant and display name into the cookie, so merchant-scoped queries need no extra lookup.</summary>
public sealed class AppClaimsPrincipalFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MerchantId is { } m) identity.AddClaim(new Claim(AppClaims.MerchantId, m.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(user.DisplayName)) identity.AddClaim(new Claim(AppClaims.DisplayName, user.DisplayName));
        return identity;
    }
}

/// <summary>Which merchants' data a user may see: all (admins, finance) or exactly one (Merchant users).</summary>
public readonly record struct MerchantScope(long? MerchantId)
{
    public bool IsAll => MerchantId is null;

    public bool Allows(long merchantId) => IsAll || MerchantId == merchantId;
}

public static class MerchantScopeExtensions
{
    /// <summary>
    /// The merchant scope of the current user. A PlatformAdmin or Finance user sees every merchant; a
    /// Merchant user only their bound merchant; a Merchant user with no binding is refused.
    /// </summary>
    public static async Task<MerchantScope> GetMerchantScopeAsync(this ICurrentUser current)
    {
        var user = await current.GetPrincipalAsync();
        if (user.Identity?.IsAuthenticated != true) throw new UnauthorizedAccessException("Sign in first.");
        if (user.IsInRole(AppRoles.PlatformAdmin) || user.IsInRole(AppRoles.Finance)) return new MerchantScope(null);
        if (user.IsInRole(AppRoles.Merchant) && user.GetMerchantId() is { } id) return new MerchantScope(id);
        throw new UnauthorizedAccessException("This user is not bound to a merchant.");
    }
}
