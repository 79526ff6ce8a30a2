using System.Security.Claims;
using LianDong.Domain.Identity;
using Microsoft.AspNetCore.Components.Authorization;

namespace LianDong.Console.Security;

/// <summary>Who is acting, for services that check roles and write the audit log.</summary>
public interface ICurrentUser
{
    Task<ClaimsPrincipal> GetPrincipalAsync();
}

/// <summary>The signed-in user of the Blazor circuit (or of the static SSR request).</summary>
public sealed class CircuitCurrentUser(AuthenticationStateProvider auth) : ICurrentUser
{
    public async Task<ClaimsPrincipal> GetPrincipalAsync() => (await auth.GetAuthenticationStateAsync()).User;
}

public static class CurrentUserExtensions
{
    /// <summary>
    /// Defence in depth: pages already carry [Authorize(Roles=...)], services check again so a
    /// service reused elsewhere cannot be called by the wrong role. Returns the actor name for the audit log.
    /// </summary>
    public static async Task<string> RequireRoleAsync(this ICurrentUser current, params string[] roles)
    {
        var user = await current.GetPrincipalAsync();
        if (user.Identity?.IsAuthenticated != true || !roles.Any(user.IsInRole))
            throw new UnauthorizedAccessException($"This needs the role {string.Join(" or ", roles)}.");
        return user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
    }

    public static Task<string> RequireAdminAsync(this ICurrentUser current) => current.RequireRoleAsync(AppRoles.PlatformAdmin);
}
