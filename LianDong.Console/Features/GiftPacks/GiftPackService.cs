using LianDong.Domain;
using LianDong.Console.Features.Rules;
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
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.GiftPacks;

public sealed record PackRow(long Id, long MerchantId, string MerchantCode, string Code, string Name, string? Description,
    long PriceFen, long CostFen, int Stock, int SoldCount, bool IsOn, string? ImageFile);

/// <summary>The pack form's fields as typed; amounts in yuan ("499.00", "1,000", full-width digits).</summary>
public sealed partial class PackInput
{
    public const int MaxNameLength = 200, MaxDescriptionLength = 2000, MaxStock = 10_000_000;

    public long? MerchantId { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Price { get; set; } = "";
    public string Cost { get; set; } = "";
    public int Stock { get; set; }

    public long PriceFen => Display.ParseYuan(Price) ?? -1;
    public long CostFen => Display.ParseYuan(Cost) ?? -1;

    /// <summary>One message per field that is wrong, in the user's language, keyed by the field's name.</summary>
    public IReadOnlyDictionary<string, string> Errors()
    {
        var errors = new Dictionary<string, string>();
        var code = Code.Trim();
        if (code.Length == 0) errors[nameof(Code)] = PacksText.Get("Error.CodeRequired");
        else if (!CodePattern().IsMatch(code)) errors[nameof(Code)] = PacksText.Get("Error.CodeFormat");
        if (string.IsNullOrWhiteSpace(Name)) errors[nameof(Name)] = PacksText.Get("Error.NameRequired");
        else if (Name.Trim().Length > MaxNameLength) errors[nameof(Name)] = PacksText.Get("Error.NameTooLong");
        if (Description?.Length > MaxDescriptionLength) errors[nameof(Description)] = PacksText.Get("Error.DescriptionTooLong");
        if (string.IsNullOrWhiteSpace(Price)) errors[nameof(Price)] = PacksText.Get("Error.PriceRequired");
        else if (!TwoDecimals(Price) || PriceFen < 0) errors[nameof(Price)] = PacksText.Get("Error.Yuan");
        if (string.IsNullOrWhiteSpace(Cost)) errors[nameof(Cost)] = PacksText.Get("Error.CostRequired");
        else if (!TwoDecimals(Cost) || CostFen < 0) errors[nameof(Cost)] = PacksText.Get("Error.Yuan");
        if (Stock is < 0 or > MaxStock) errors[nameof(Stock)] = PacksText.Get("Error.Stock");
        // The domain refuses these too (RuleSetValidator.PackFigureViolations); said at the field they concern.
        if (!errors.ContainsKey(nameof(Price)) && !errors.ContainsKey(nameof(Cost)))
            foreach (var v in RuleSetValidator.PackFigureViolations(PriceFen, CostFen))
                errors[v is PackCostNegative or PackCostAbovePrice ? nameof(Cost) : nameof(Price)] = RuleWords.Say(v);
        return errors;
    }

    /// <summary>Yuan with digits before the point and at most two after: "179.999", "499." and ".5" are typos (Money.TryParse reads the rest).</summary>
    private static bool TwoDecimals(string text) =>
        text.Trim().Split('.', '．') is var parts && parts[0].Trim().Length > 0 && (parts.Length == 1 || parts.Length == 2 && parts[1].Length is >= 1 and <= 2);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex CodePattern();
}

/// <summary>What saving the pack form did: done, or messages per field and for the whole form, in the user's language.</summary>
public sealed record PackOutcome(IReadOnlyDictionary<string, string> Fields, string? Error)
{
    public bool Ok => Fields.Count == 0 && Error is null;
    public static PackOutcome Success { get; } = new(new Dictionary<string, string>(), null);
    public static PackOutcome Fail(string error) => new(new Dictionary<string, string>(), error);
    public static PackOutcome Field(string field, string error) => new(new Dictionary<string, string> { [field] = error }, null);
}

/// <summary>One page of the pack list and how many packs match.</summary>
public sealed record PackPage(IReadOnlyList<PackRow> Rows, int Total);

/// <summary>
/// Gift packs for the merchant pages. A Merchant user sees and changes only its own merchant's packs (checked here on
/// every call, whatever the page or URL asked for); admins see all. Changes go through the domain's PackService,
/// which audits them.
/// </summary>
public sealed class GiftPackService(IDbContextFactory<LianDongDbContext> dbs, PackService packs, ICurrentUser current, PackImageStore images)
{
    /// <summary>The sort names the list accepts, the grid's column names (anything else sorts newest first).</summary>
    public static readonly IReadOnlySet<string> Sorts = new HashSet<string>
        { nameof(PackRow.Id), nameof(PackRow.Code), nameof(PackRow.Name), nameof(PackRow.PriceFen), nameof(PackRow.Stock), nameof(PackRow.SoldCount) };

    /// <summary>
    /// One page of the packs the user may see, matching <paramref name="search"/> (a code or name prefix), sorted by a
    /// whitelisted column with the id as tie-breaker. Paged and counted in the database.
    /// </summary>
    public async Task<PackPage> PageAsync(string? search, string? sortBy, bool descending, int skip, int take, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var q = Scoped(db, scope);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            q = q.Where(p => p.Code.StartsWith(s) || p.Name.StartsWith(s));
        }
        var total = await q.CountAsync(ct);
        var sort = Sorts.Contains(sortBy ?? "") ? sortBy! : nameof(PackRow.Id);
        if (sortBy != sort) descending = true;
        q = (sort, descending) switch
        {
            (nameof(PackRow.Code), false) => q.OrderBy(p => p.Code).ThenBy(p => p.Id),
            (nameof(PackRow.Code), true) => q.OrderByDescending(p => p.Code).ThenByDescending(p => p.Id),
            (nameof(PackRow.Name), false) => q.OrderBy(p => p.Name).ThenBy(p => p.Id),
            (nameof(PackRow.Name), true) => q.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
            (nameof(PackRow.PriceFen), false) => q.OrderBy(p => p.PriceFen).ThenBy(p => p.Id),
            (nameof(PackRow.PriceFen), true) => q.OrderByDescending(p => p.PriceFen).ThenByDescending(p => p.Id),
            (nameof(PackRow.Stock), false) => q.OrderBy(p => p.Stock).ThenBy(p => p.Id),
            (nameof(PackRow.Stock), true) => q.OrderByDescending(p => p.Stock).ThenByDescending(p => p.Id),
            (nameof(PackRow.SoldCount), false) => q.OrderBy(p => p.SoldCount).ThenBy(p => p.Id),
            (nameof(PackRow.SoldCount), true) => q.OrderByDescending(p => p.SoldCount).ThenByDescending(p => p.Id),
            (_, false) => q.OrderBy(p => p.Id),
            _ => q.OrderByDescending(p => p.Id),
        };
        var rows = await Rows(db, q.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 100))).ToListAsync(ct);
        return new PackPage(rows, total);
    }

    /// <summary>The newest packs the user may see (a merchant only its own).</summary>
    public async Task<IReadOnlyList<PackRow>> ListAsync(CancellationToken ct = default) => (await PageAsync(null, nameof(PackRow.Id), true, 0, 100, ct)).Rows;

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
    public async Task<IReadOnlyList<RuleViolation>> CheckAsync(PackInput input, CancellationToken ct = default)
    {
        await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (input.PriceFen < 0 || input.CostFen < 0) return [];
        return await packs.CheckFiguresAsync(string.IsNullOrWhiteSpace(input.Code) ? "(new)" : input.Code.Trim(), input.PriceFen, input.CostFen, ct);
    }

    /// <summary>Creates the pack (off), with its picture when one was chosen; the picture is checked before anything is saved.</summary>
    public async Task<PackOutcome> CreateAsync(PackInput input, byte[]? image = null, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        var scope = await current.GetMerchantScopeAsync();
        if (input.Errors() is { Count: > 0 } invalid) return new PackOutcome(invalid, null);
        if (image is not null && ImageError(image) is { } bad) return PackOutcome.Field("Image", bad);
        var merchantId = scope.MerchantId ?? input.MerchantId;
        if (merchantId is null) return PackOutcome.Field("MerchantId", PacksText.Get("Error.Merchant"));
        if (!scope.Allows(merchantId.Value)) return PackOutcome.Field("MerchantId", PacksText.Get("Error.OtherMerchant"));
        var code = input.Code.Trim();
        await using (var db = await dbs.CreateDbContextAsync(ct))
            if (await db.GiftPacks.AnyAsync(p => p.Code == code, ct)) return PackOutcome.Field(nameof(PackInput.Code), PacksText.Format("Error.CodeTaken", code));
        try
        {
            var pack = await packs.CreateAsync(merchantId.Value, code, input.Name.Trim(), input.PriceFen, input.CostFen, input.Stock, ct);
            await packs.EditAsync(pack.Code, input.Name, input.Description, input.Stock, actor, ct);
            await AuditCreateAsync(actor, pack, ct);
            if (image is not null)
            {
                var stored = await images.SaveAsync(pack.Code, image, ct);
                if (!stored.Ok) return PackOutcome.Field("Image", stored.Error!);
                await packs.SetImageAsync(pack.Code, stored.FileName, actor, ct);
            }
            return PackOutcome.Success;
        }
        catch (EngineException e) { return Refused(e); }
    }

    /// <summary>Saves name, description, stock, and price/cost (the latter only while the pack is off: paid orders keep theirs).</summary>
    public async Task<PackOutcome> UpdateAsync(string code, PackInput input, byte[]? image = null, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (input.Errors() is { Count: > 0 } invalid) return new PackOutcome(invalid, null);
        if (image is not null && ImageError(image) is { } bad) return PackOutcome.Field("Image", bad);
        var pack = await GetAsync(code, ct);
        if (pack is null) return PackOutcome.Fail(PacksText.Format("Error.NoPack", code));
        try
        {
            if (pack.PriceFen != input.PriceFen || pack.CostFen != input.CostFen)
            {
                if (pack.IsOn) return PackOutcome.Fail(PacksText.Get("Error.SwitchOffFirst"));
                await packs.RepriceAsync(code, input.PriceFen, input.CostFen, actor, ct);
            }
            await packs.EditAsync(code, input.Name, input.Description, input.Stock, actor, ct);
            if (image is not null)
            {
                var stored = await images.SaveAsync(code, image, ct);
                if (!stored.Ok) return PackOutcome.Field("Image", stored.Error!);
                await packs.SetImageAsync(code, stored.FileName, actor, ct);
            }
            return PackOutcome.Success;
        }
        catch (EngineException e) { return Refused(e); }
    }

    public async Task<Outcome> SwitchAsync(string code, bool on, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (await GetAsync(code, ct) is null) return Outcome.Fail(PacksText.Format("Error.NoPack", code));
        try
        {
            if (on) await packs.SwitchOnAsync(code, actor, ct);
            else await packs.SwitchOffAsync(code, actor, ct);
            return Outcome.Success;
        }
        catch (ComplianceViolationException e)
        {
            return Outcome.Fail(PacksText.Format("SwitchOnRefused", code, string.Join("；", e.Details.Select(RuleWords.Say))));
        }
        catch (EngineException) { return Outcome.Fail(PacksText.Get("Error.Refused")); }
    }

    public async Task<Outcome> SaveImageAsync(string code, Stream content, string fileName, CancellationToken ct = default)
    {
        var actor = await current.RequireRoleAsync(AppRoles.PlatformAdmin, AppRoles.Merchant);
        if (await GetAsync(code, ct) is null) return Outcome.Fail(PacksText.Format("Error.NoPack", code));
        var stored = await images.SaveAsync(code, content, fileName, ct);
        if (!stored.Ok) return Outcome.Fail(stored.Error!);
        await packs.SetImageAsync(code, stored.FileName, actor, ct);
        return Outcome.Success;
    }

    /// <summary>Why a chosen picture cannot be used, or null: judged by its content, as the store will.</summary>
    public static string? ImageError(byte[] image) =>
        image.Length > PackImageStore.MaxBytes ? PacksText.Get("Error.ImageTooLarge")
        : PackImageFormat.Detect(image) is null ? PacksText.Get("Error.ImageNotPicture")
        : null;

    /// <summary>The image of a pack in <paramref name="scope"/>, or null (for the image endpoint, which has no circuit).</summary>
    public async Task<StoredPackImage?> ImageAsync(string code, MerchantScope scope, CancellationToken ct = default)
    {
        string? file;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            file = (await Rows(db, Scoped(db, scope).Where(p => p.Code == code)).FirstOrDefaultAsync(ct))?.ImageFile;
        return file is null ? null : await images.FindAsync(file, ct);
    }

    /// <summary>An engine refusal in the user's language: a compliance one at the field it concerns, anything else in general words.</summary>
    private static PackOutcome Refused(EngineException e) => e is ComplianceViolationException c
        ? new PackOutcome(c.Details.GroupBy(v => v is PackCostNegative or PackCostAbovePrice ? nameof(PackInput.Cost) : nameof(PackInput.Price))
            .ToDictionary(g => g.Key, g => string.Join("；", g.Select(RuleWords.Say))), null)
        : PackOutcome.Fail(PacksText.Get("Error.Refused"));

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
