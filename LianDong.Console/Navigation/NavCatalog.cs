namespace LianDong.Console.Navigation;

/// <summary>One side-menu entry: the page's route, its Chinese and English names, icon, who sees it, and the issue that fills it.</summary>
public sealed record NavEntry(string Path, string Chinese, string English, string Icon, string Roles, int Issue)
{
    public string Title => $"{Chinese} {English}";

    public IReadOnlyList<string> RoleList => Roles.Split(',');

    public bool IsVisibleTo(System.Security.Claims.ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && RoleList.Any(user.IsInRole);
}

/// <summary>The side menu, in order. This is the role → page matrix (docs/decisions/0002-auth-and-roles.md).</summary>
public static class NavCatalog
{
    public static readonly IReadOnlyList<NavEntry> Entries =
    [
        new("/", "概览", "Dashboard", "dashboard", PageAccess.Everyone, 5),
        new("/team", "团队", "Team", "account_tree", PageAccess.AdminOnly, 5),
        new("/members", "会员", "Members", "groups", PageAccess.AdminOnly, 5),
        new("/rules", "规则", "Rules", "rule", PageAccess.AdminOnly, 5),
        new("/channel-tasks", "渠道任务", "Channel tasks", "task_alt", PageAccess.AdminOnly, 5),
        new("/gift-packs", "礼包", "Gift packs", "redeem", PageAccess.AdminAndMerchant, 6),
        new("/orders", "订单", "Orders", "receipt_long", PageAccess.AdminAndMerchant, 6),
        new("/settlements", "结算", "Settlements", "account_balance", PageAccess.AdminAndFinance, 6),
        new("/payouts", "提现", "Payouts", "payments", PageAccess.AdminAndFinance, 6),
        new("/support-fund", "帮扶基金", "Support fund", "volunteer_activism", PageAccess.AdminAndFinance, 5),
        new("/jobs", "任务调度", "Jobs", "schedule", PageAccess.AdminOnly, 4),
        new("/api-keys", "接口密钥", "API keys", "key", PageAccess.AdminOnly, 4),
        new("/merchants", "商户", "Merchants", "storefront", PageAccess.AdminOnly, 2),
        new("/users", "用户", "Users", "manage_accounts", PageAccess.AdminOnly, 2),
        new("/audit", "审计日志", "Audit log", "history", PageAccess.AdminAndFinance, 2),
    ];

    public static NavEntry For(string path) => Entries.Single(e => e.Path == path);

    public static IEnumerable<NavEntry> VisibleTo(System.Security.Claims.ClaimsPrincipal user) => Entries.Where(e => e.IsVisibleTo(user));
}
