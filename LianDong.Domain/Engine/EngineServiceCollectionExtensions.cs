using LianDong.Domain.Ledger;
using LianDong.Domain.Members;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Rewards;
using LianDong.Domain.Rules;
using LianDong.Domain.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LianDong.Domain.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The reward engine's services. Expects <c>AddLianDongPersistence</c> too; registers <see cref="TimeProvider.System"/>
    /// unless a TimeProvider is already registered. All services are stateless singletons over the context factory.
    /// </summary>
    public static IServiceCollection AddLianDongEngine(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RewardEngineService>();
        services.TryAddSingleton<RuleSetService>();
        services.TryAddSingleton<PackService>();
        services.TryAddSingleton<NightlyRunService>();
        services.TryAddSingleton<LedgerTotalsService>();
        services.TryAddSingleton<SupportFundService>();
        services.TryAddSingleton<LedgerService>();
        services.TryAddSingleton<LedgerQueryService>();
        services.TryAddSingleton<MemberQueryService>();
        services.TryAddSingleton<PayoutAccountService>();
        services.TryAddSingleton<PayoutService>();
        services.TryAddSingleton<SettlementQueryService>();
        services.TryAddSingleton<MerchantReportService>();
        services.TryAddSingleton<PackCatalogueService>();
        services.TryAddSingleton<WhatIfService>();
        return services;
    }
}
