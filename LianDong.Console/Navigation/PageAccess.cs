using LianDong.Domain.Identity;

namespace LianDong.Console.Navigation;

/// <summary>
/// Role lists for <c>[Authorize(Roles = ...)]</c> on pages (comma = any of). The role → page matrix
/// is <see cref="NavCatalog"/> and docs/decisions/0002-auth-and-roles.md; a test checks each page's
/// attribute against the catalog.
/// </summary>
public static class PageAccess
{
    public const string Everyone = AppRoles.PlatformAdmin + "," + AppRoles.Merchant + "," + AppRoles.Finance;
    public const string AdminOnly = AppRoles.PlatformAdmin;
    public const string AdminAndMerchant = AppRoles.PlatformAdmin + "," + AppRoles.Merchant;
    public const string AdminAndFinance = AppRoles.PlatformAdmin + "," + AppRoles.Finance;
}
