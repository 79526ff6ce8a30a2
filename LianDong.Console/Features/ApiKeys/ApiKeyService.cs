using LianDong.Console.Api;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.ApiKeys;

/// <summary>A new key as the dialog shows it, once.</summary>
public sealed record CreatedApiKey(ApiKeyRow Key, string Secret);

/// <summary>Creating a key: the key, or the field that was refused ("name" or "merchant") and why, in the user's language.</summary>
public sealed record ApiKeyCreateResult(CreatedApiKey? Created, string? Field = null, string? Error = null)
{
    public Outcome Outcome => Error is null ? Outcome.Success : Outcome.Fail(Error);
}

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

    public async Task<ApiKeyCreateResult> CreateAsync(string? name, string? merchantCode)
    {
        var actor = await current.RequireAdminAsync();
        try
        {
            var (key, secret) = await store.CreateAsync(name, merchantCode, actor);
            return new ApiKeyCreateResult(new CreatedApiKey(key, secret));
        }
        catch (ApiKeyInputException e)
        {
            // The store's messages are the CLI's (both languages at once); the page says the same in the user's language.
            var message = e.Field == "merchant" ? ApiKeysText.Format("Error.NoMerchant", merchantCode?.Trim())
                : (name ?? "").Trim().Length is 0 or > 100 ? ApiKeysText.Get("Error.NameLength")
                : ApiKeysText.Get("Error.NameInvisible");
            return new ApiKeyCreateResult(null, e.Field, message);
        }
    }

    public async Task<Outcome> RevokeAsync(long id)
    {
        var actor = await current.RequireAdminAsync();
        return await store.RevokeAsync(id, actor) ? Outcome.Success : Outcome.Fail(ApiKeysText.Get("Error.AlreadyRevoked"));
    }
}
