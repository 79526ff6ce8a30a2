using LianDong.Domain;
using System.ComponentModel.DataAnnotations;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Console.Settings;
using LianDong.Console.Hosting;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Identity;
using LianDong.Domain.Packs;
using LianDong.Domain.Payouts;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.GiftPacks;

public sealed record PackRow(long Id, long MerchantId, string MerchantCode, string Code, string Name, string? Description,
    long PriceFen, long CostFen, int Stock, int SoldCount, bool IsOn, string? ImageFile);

public sealed class PackInput
{
    public long? MerchantId { get; set; }

    [Required(ErrorMessage = "请输入编码 Code is required.")]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "编码 Code: 1–64 characters of A–Z a–z 0–9 _ -")]
    public string Code { get; set; } = "";

    [Required(ErrorMessage = "请输入名称 Name is required."), StringLength(200)]
    public string Name { get; set; } = "";

    [StringLength(2000)]
    public string? Description { get; set; }

    [Required(ErrorMessage = "请输入价格 Price is required.")]
    [RegularExpression(@"^\d{1,9}(\.\d{1,2})?$", ErrorMessage = "价格 Price: yuan with at most two decimals, e.g. 499.00")]
    public string Price { get; set; } = "";

    [Required(ErrorMessage = "请输入供货成本 Supplier cost is required.")]
    [RegularExpression(@"^\d{1,9}(\.\d{1,2})?$", ErrorMessage = "供货成本 Supplier cost: yuan with at most two decimals, e.g. 179.00")]
    public string Cost { get; set; } = "";

    [Range(0, 10_000_000, ErrorMessage = "库存 Stock: 0 to 10,000,000")]
    public int Stock { get; set; }

    public long PriceFen => PayoutResultFile.TryParseYuan(Price, out var f) ? f : -1;
    public long CostFen => PayoutResultFile.TryParseYuan(Cost, out var f) ? f : -1;
}

/// <summary>
/// Gift packs for the merchant pages. A Merchant user sees and changes only its own merchant's packs (checked here on
/// every call, whatever the page or URL asked for); admins see all. Changes go through the domain's PackService,
/// which audits them.
/// </summary>
public sealed class GiftPackService(IDbContextFactory<LianDongDbContext> dbs, PackService packs, ICurrentUser current, PackImageStore images)
{
    public async Task<IReadOnlyList<PackRow>> ListAsync(long beforeId = long.MaxValue, int take = 200, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return (await Rows(db, Scoped(db, scope).Where(p => p.Id < beforeId).OrderByDescending(p => p.Id).Take(take)).ToListAsync(ct)).OrderByDescending(r => r.Id).ToList();
    }

    public async Task<PackRow?> GetAsync(string code, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await Rows(db, Scoped(db, scope).Where(p => p.Code == code)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Merchants the user may create packs for (one for a Merchant user).</summary>
    public async Task<IReadOnlyList<(long Id, string Code, string Name)>> MerchantsAsync(CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var list = await db.Merchants.AsNoTracking().Where(m => scope.MerchantId == null || m.Id == scope.MerchantId)
            .OrderBy(m => m.Code).Select(m => new { m.Id, m.Code, m.Name }).ToListAsync(ct);
        return list.Select(m => (m.Id, m.Code, m.Name)).ToList();
    }

    /// <summary>The compliance check shown before saving: what switching this pack on would break under the published rules.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(PackInput input, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (input.PriceFen < 0 || input.CostFen < 0) return ["价格和成本须为元 Price and cost must be yuan amounts"];
        return await packs.CheckFiguresAsync(string.IsNullOrWhiteSpace(input.Code) ? "(new)" : input.Code.Trim(), input.PriceFen, input.CostFen, ct);
    }

    public async Task<Outcome> CreateAsync(PackInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        if (Validate(input) is { } invalid) return invalid;
        var merchantId = scope.MerchantId ?? input.MerchantId;
        if (merchantId is null) return Outcome.Fail("请选择商户 Choose a merchant.");
        if (!scope.Allows(merchantId.Value)) return Outcome.Fail("不能为其他商户创建礼包 You cannot create packs for another merchant.");
        try
        {
            var pack = await packs.CreateAsync(merchantId.Value, input.Code.Trim(), input.Name.Trim(), input.PriceFen, input.CostFen, input.Stock, ct);
            await packs.EditAsync(pack.Code, input.Name, input.Description, input.Stock, actor, ct);
            await AuditCreateAsync(actor, pack, ct);
            return Outcome.Success;
        }
        catch (EngineException e) { return Outcome.Fail(e.Message); }
    }

    /// <summary>Saves name, description, stock, and price/cost (the latter only while the pack is off: paid orders keep theirs).</summary>
    public async Task<Outcome> UpdateAsync(string code, PackInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (Validate(input) is { } invalid) return invalid;
        var pack = await GetAsync(code, ct);
        if (pack is null) return Outcome.Fail($"没有该礼包 No pack {code}.");
        try
        {
            if (pack.PriceFen != input.PriceFen || pack.CostFen != input.CostFen)
            {
                if (pack.IsOn) return Outcome.Fail("请先下架再改价 Switch the pack off before changing its price or cost.");
                await packs.RepriceAsync(code, input.PriceFen, input.CostFen, actor, ct);
            }
            await packs.EditAsync(code, input.Name, input.Description, input.Stock, actor, ct);
            return Outcome.Success;
        }
        catch (EngineException e) { return Outcome.Fail(e.Message); }
    }

    public async Task<Outcome> SwitchAsync(string code, bool on, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (await GetAsync(code, ct) is null) return Outcome.Fail($"没有该礼包 No pack {code}.");
        try
        {
            if (on) await packs.SwitchOnAsync(code, actor, ct);
            else await packs.SwitchOffAsync(code, actor, ct);
            return Outcome.Success;
        }
        catch (EngineException e) { return Outcome.Fail("不能上架 Cannot switch on: " + e.Message); }
    }

    public async Task<Outcome> SaveImageAsync(string code, Stream content, string fileName, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (await GetAsync(code, ct) is null) return Outcome.Fail($"没有该礼包 No pack {code}.");
        var stored = await images.SaveAsync(code, content, fileName, ct);
        if (!stored.Ok) return Outcome.Fail(stored.Error!);
        await packs.SetImageAsync(code, stored.FileName, actor, ct);
        return Outcome.Success;
    }

    /// <summary>The image of a pack in <paramref name="scope"/>, or null (for the image endpoint, which has no circuit).</summary>
    public async Task<StoredPackImage?> ImageAsync(string code, MerchantScope scope, CancellationToken ct = default)
    {
        string? file;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            file = (await Rows(db, Scoped(db, scope).Where(p => p.Code == code)).FirstOrDefaultAsync(ct))?.ImageFile;
        return file is null ? null : await images.FindAsync(file, ct);
    }

    private async Task AuditCreateAsync(string actor, GiftPack pack, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        db.AuditLog.Add(new AuditLogEntry(DateTimeOffset.UtcNow, actor, AuditActions.PackCreate, $"pack:{pack.Code}", null,
            AuditText.Of(("merchantId", pack.MerchantId), ("priceFen", pack.PriceFen), ("costFen", pack.CostFen), ("stock", pack.Stock))));
        await db.SaveChangesAsync(ct);
    }

    private static IQueryable<GiftPack> Scoped(LianDongDbContext db, MerchantScope scope)
    {
        var packs = db.GiftPacks.AsNoTracking();
        return scope.MerchantId is { } id ? packs.Where(p => p.MerchantId == id) : packs;
    }

    private static IQueryable<PackRow> Rows(LianDongDbContext db, IQueryable<GiftPack> packs) =>
        from p in packs
        join m in db.Merchants on p.MerchantId equals m.Id
        select new PackRow(p.Id, p.MerchantId, m.Code, p.Code, p.Name, p.Description, p.PriceFen, p.CostFen, p.Stock, p.SoldCount, p.IsOn, p.ImageFile);

    private static Outcome? Validate(PackInput input)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), errors, validateAllProperties: true))
            return Outcome.Fail(string.Join(" ", errors.Select(e => e.ErrorMessage)));
        // The domain refuses these too (RuleSetValidator.ValidatePackFigures); said here in the form's words.
        if (input.PriceFen > InputLimits.MaxPackPriceFen)
            return Outcome.Fail($"价格不能超过 {Money.FromFen(InputLimits.MaxPackPriceFen)} Price: at most {Money.FromFen(InputLimits.MaxPackPriceFen)} (was {Money.FromFen(input.PriceFen)}).");
        if (input.CostFen > input.PriceFen)
            return Outcome.Fail($"供货成本不能高于价格 Supplier cost: at most the price {Money.FromFen(input.PriceFen)} (was {Money.FromFen(input.CostFen)}).");
        return null;
    }
}

public static class PackImageEndpoints
{
    /// <summary>A pack's image, for users who may see the pack (a merchant only its own).</summary>
    public static void MapPackImageEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/gift-packs/{code}/image", async (string code, HttpContext http, GiftPackService packs, CancellationToken ct) =>
        {
            var scope = http.User.IsInRole(AppRoles.PlatformAdmin) ? new MerchantScope(null) : new MerchantScope(http.User.GetMerchantId() ?? -1);
            return await packs.ImageAsync(code, scope, ct) is { } img ? Results.File(img.Content, img.ContentType) : Results.NotFound();
        })
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = Navigation.PageAccess.AdminAndMerchant });
}
