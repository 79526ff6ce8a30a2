using LianDong.Console.Localization;
using MudBlazor;

namespace LianDong.Console.Navigation;

/// <summary>One side-menu entry: the page's route, its name's key in UiText ("Nav." + Key), icon, who sees it, and the issue that filled it.</summary>
public sealed record NavEntry(string Path, string Key, string Icon, string Roles, int Issue)
{
    /// <summary>The page's name in the user's language.</summary>
    public string Title => UiText.Get("Nav." + Key);

    /// <summary>The page's name in <paramref name="culture"/> (tests, and anything outside a request).</summary>
    public string TitleIn(string culture) => UiCulture.In(culture, () => Title);

    public IReadOnlyList<string> RoleList => Roles.Split(',');

    public bool IsVisibleTo(System.Security.Claims.ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && RoleList.Any(user.IsInRole);
}

/// <summary>The side menu, in order. This is the role → page matrix (docs/decisions/0002-auth-and-roles.md).</summary>
public static class NavCatalog
{
    public static readonly IReadOnlyList<NavEntry> Entries =
    [
        new("/", "Dashboard", Icons.Material.Outlined.Dashboard, PageAccess.Everyone, 5),
        new("/team", "Team", Icons.Material.Outlined.AccountTree, PageAccess.AdminOnly, 5),
        new("/members", "Members", Icons.Material.Outlined.Groups, PageAccess.AdminAndFinance, 5),
        new("/rules", "Rules", Icons.Material.Outlined.Rule, PageAccess.AdminOnly, 5),
        new("/channel-tasks", "ChannelTasks", Icons.Material.Outlined.TaskAlt, PageAccess.AdminOnly, 5),
        new("/gift-packs", "GiftPacks", Icons.Material.Outlined.Redeem, PageAccess.AdminAndMerchant, 6),
        new("/orders", "Orders", Icons.Material.Outlined.ReceiptLong, PageAccess.AdminAndMerchant, 6),
        new("/settlements", "Settlements", Icons.Material.Outlined.AccountBalance, PageAccess.AdminAndFinance, 6),
        new("/payouts", "Payouts", Icons.Material.Outlined.Payments, PageAccess.AdminAndFinance, 6),
        new("/support-fund", "SupportFund", Icons.Material.Outlined.VolunteerActivism, PageAccess.AdminAndFinance, 5),
        new("/jobs", "Jobs", Icons.Material.Outlined.Schedule, PageAccess.AdminOnly, 4),
        new("/api-keys", "ApiKeys", Icons.Material.Outlined.Key, PageAccess.AdminOnly, 4),
        new("/merchants", "Merchants", Icons.Material.Outlined.Storefront, PageAccess.AdminOnly, 2),
        new("/users", "Users", Icons.Material.Outlined.ManageAccounts, PageAccess.AdminOnly, 2),
        new("/audit", "Audit", Icons.Material.Outlined.History, PageAccess.AdminAndFinance, 2),
    ];

    public static NavEntry For(string path) => Entries.Single(e => e.Path == path);

    public static IEnumerable<NavEntry> VisibleTo(System.Security.Claims.ClaimsPrincipal user) => Entries.Where(e => e.IsVisibleTo(user));
}
