using LianDong.Console.Features.Account;
using LianDong.Console.Features.Audit;
using LianDong.Console.Features.Merchants;
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
        services.AddScoped<UserAdminService>();
        services.AddScoped<MerchantService>();
        services.AddScoped<AuditLogService>();
        services.AddScoped<GiftPackService>();
        services.AddSingleton<PackImageStore>();
        services.AddScoped<OrderService>();
        services.AddScoped<SettlementService>();
        services.AddScoped<PayoutPageService>();
        services.AddScoped<ExportService>();
        return services;
    }
}
