using Microsoft.Extensions.DependencyInjection.Extensions;
using LianDong.Console.Features.Account;
using LianDong.Console.Features.ApiKeys;
using LianDong.Console.Features.Audit;
using LianDong.Console.Features.Jobs;
using LianDong.Console.Features.ChannelTasks;
using LianDong.Console.Features.Dashboard;
using LianDong.Console.Features.Members;
using LianDong.Console.Features.Merchants;
using LianDong.Console.Features.Rules;
using LianDong.Console.Features.SupportFund;
using LianDong.Console.Features.Team;
using LianDong.Console.Features.Users;
using LianDong.Console.Export;
using LianDong.Console.Features.GiftPacks;
using LianDong.Console.Features.Orders;
using LianDong.Console.Features.Payouts;
using LianDong.Console.Features.Settlements;

namespace LianDong.Console.Features;

public static class FeatureServices
{
    /// <summary>The services behind the console's pages; each area keeps its own in Features/&lt;Area&gt;/.</summary>
    public static IServiceCollection AddConsoleFeatures(this IServiceCollection services)
    {
        services.AddScoped<AccountService>();
        services.AddScoped<UserPreferences>();
        services.AddScoped<LianDong.Console.Features.Shared.PaletteSearch>();
        services.AddScoped<UserAdminService>();
        services.AddScoped<MerchantService>();
        services.AddScoped<AuditLogService>();
        services.AddScoped<GiftPackService>();
        services.AddSingleton<PackImageStore>();
        services.AddScoped<OrderService>();
        services.AddScoped<SettlementService>();
        services.AddScoped<PayoutPageService>();
        services.AddScoped<ExportService>();
        services.AddScoped<JobsService>();
        services.AddScoped<ApiKeyService>();
        services.TryAddSingleton<LianDong.Console.Api.ApiKeyStore>();
        services.AddSingleton<DashboardFiguresQuery>();
        services.AddSingleton<DashboardSnapshotStore>();
        services.AddHostedService<DashboardRefresher>();
        services.AddScoped<DashboardService>();
        services.AddScoped<TeamService>();
        services.AddScoped<MembersService>();
        services.AddScoped<RulesService>();
        services.AddScoped<ChannelTasksService>();
        services.AddScoped<SupportFundPageService>();
        return services;
    }
}
