using Hangfire.Dashboard;
using Microsoft.AspNetCore.Diagnostics;
using LianDong.Domain.Identity;

namespace LianDong.Console.Jobs;

/// <summary>
/// The Hangfire dashboard (/jobs/hangfire) is for a PlatformAdmin only. On a refusal Hangfire 1.8 answers 401 to an
/// anonymous request and 403 to a signed-in one; the status is set here too so the rule reads in one place.
/// </summary>
public sealed class PlatformAdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.User.IsInRole(AppRoles.PlatformAdmin)) return true;
        // The bare status is the answer: the console's status-code page (re-executed for GETs) would turn the 401
        // into a redirect to the sign-in page.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages) statusPages.Enabled = false;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return false;
    }
}
