using LianDong.Console.Api;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.ApiKeys;

/// <summary>A new key as the dialog shows it, once.</summary>
public sealed record CreatedApiKey(ApiKeyRow Key, string Secret);

/// <summary>The API keys page: admins list, create (the key is shown once) and revoke storefront keys. Audited by the store.</summary>
public sealed class ApiKeyService(ApiKeyStore store, ICurrentUser current, IDbContextFactory<LianDongDbContext> dbs)
{
    public async Task<IReadOnlyList<ApiKeyRow>> ListAsync()
    {
        await current.RequireAdminAsync();
        return await store.ListAsync();
    }

    /// <summary>Merchant codes to pick a merchant key's scope from.</summary>
    public async Task<IReadOnlyList<string>> MerchantCodesAsync()
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync();
        return await db.Merchants.AsNoTracking().OrderBy(m => m.Code).Select(m => m.Code).ToListAsync();
    }

    public async Task<(Outcome Outcome, CreatedApiKey? Created)> CreateAsync(string? name, string? merchantCode)
    {
        var actor = await current.RequireAdminAsync();
        try
        {
            var (key, secret) = await store.CreateAsync(name, merchantCode, actor);
            return (Outcome.Success, new CreatedApiKey(key, secret));
        }
        catch (ApiKeyInputException e)
        {
            return (Outcome.Fail(e.Message), null);
        }
    }

    public async Task<Outcome> RevokeAsync(long id)
    {
        var actor = await current.RequireAdminAsync();
        return await store.RevokeAsync(id, actor) ? Outcome.Success : Outcome.Fail("该密钥已吊销 The key is already revoked.");
    }

    /// <summary>Platform local time for display.</summary>
    public static string Show(DateTimeOffset? at) =>
        at is { } t ? TimeZoneInfo.ConvertTime(t, PlatformTime.Zone).ToString("yyyy-MM-dd HH:mm") : "—";
}
