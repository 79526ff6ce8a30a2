using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Packs;

public sealed record PackUpsert(string Code, string MerchantCode, string Name, long PriceFen, long CostFen, int Stock, bool Active);

public sealed record PackView(string Code, string MerchantCode, string Name, long PriceFen, long CostFen, int Stock, bool Active, int SoldCount);

/// <summary>A pack code already belongs to another merchant (API: 409).</summary>
public sealed class PackOwnedElsewhereException(string code, string owner) : EngineException($"pack \"{code}\" belongs to merchant \"{owner}\"")
{
    public string Owner { get; } = owner;
}

/// <summary>A pack figure the rules refuse (API: 422); <see cref="Field"/> is the request field.</summary>
public sealed class PackFigureException(string field, string message) : EngineException(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// Catalogue sync from the storefront: creates or updates a pack in one transaction (never half-applied).
/// A price or cost change of a pack that is on switches it off, reprices and, when it is to stay on, checks the
/// payout limit again exactly as switching on does. Every change is audited.
/// </summary>
public sealed class PackCatalogueService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    /// <summary>
    /// Returns whether the pack was created. <paramref name="mayCreateMerchant"/> lets a platform caller name a
    /// merchant code not seen before (it is created, named after its code).
    /// </summary>
    public async Task<(bool Created, PackView Pack)> UpsertAsync(PackUpsert input, bool mayCreateMerchant, string actor, CancellationToken ct = default)
    {
        foreach (var error in RuleSetValidator.ValidatePackFigures(input.PriceFen, input.CostFen))
            throw new PackFigureException(error.StartsWith("costFen", StringComparison.Ordinal) ? "costFen" : "priceFen", error);
        if (input.Stock < 0) throw new PackFigureException("stock", $"stock is {input.Stock}, it must not be negative");

        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var merchant = await db.Merchants.FirstOrDefaultAsync(m => m.Code == input.MerchantCode, ct);
        if (merchant is null)
        {
            if (!mayCreateMerchant) throw new UnknownReferenceException("merchant", input.MerchantCode);
            merchant = new Merchant(input.MerchantCode, input.MerchantCode, null, now);
            db.Merchants.Add(merchant);
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.MerchantCreate, "merchant:" + input.MerchantCode, null,
                $"code={input.MerchantCode}; name={input.MerchantCode}; source=catalogue sync"));
            await db.SaveChangesAsync(ct);
        }

        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == input.Code, ct);
        var created = pack is null;
        if (pack is null)
        {
            pack = new GiftPack(merchant.Id, input.Code, input.Name, input.PriceFen, input.CostFen, input.Stock, now);
            db.GiftPacks.Add(pack);
            db.AuditLog.Add(new AuditLogEntry(now, actor, "pack.create", $"pack:{input.Code}", null,
                $"merchant={input.MerchantCode}; name={pack.Name}; priceFen={input.PriceFen}; costFen={input.CostFen}; stock={input.Stock}"));
        }
        else
        {
            if (pack.MerchantId != merchant.Id)
            {
                var owner = await db.Merchants.Where(m => m.Id == pack.MerchantId).Select(m => m.Code).FirstAsync(ct);
                throw new PackOwnedElsewhereException(input.Code, owner);
            }
            var before = $"name={pack.Name}; priceFen={pack.PriceFen}; costFen={pack.CostFen}; stock={pack.Stock}";
            if (pack.PriceFen != input.PriceFen || pack.CostFen != input.CostFen)
            {
                if (pack.IsOn)
                {
                    pack.SwitchOff();
                    db.AuditLog.Add(new AuditLogEntry(now, actor, "pack.off", $"pack:{input.Code}", "on", "off"));
                }
                pack.Reprice(input.PriceFen, input.CostFen);
            }
            pack.Describe(input.Name, input.Stock);
            var after = $"name={pack.Name}; priceFen={pack.PriceFen}; costFen={pack.CostFen}; stock={pack.Stock}";
            if (before != after) db.AuditLog.Add(new AuditLogEntry(now, actor, "pack.update", $"pack:{input.Code}", before, after));
        }

        if (input.Active && !pack.IsOn)
        {
            var violations = await PackService.ViolationsAsync(db, pack.Code, pack.PriceFen, pack.CostFen, now, ct);
            if (violations.Count > 0) throw new ComplianceViolationException(violations);
            pack.SwitchOn();
            db.AuditLog.Add(new AuditLogEntry(now, actor, "pack.on", $"pack:{input.Code}", "off", "on"));
        }
        else if (!input.Active && pack.IsOn)
        {
            pack.SwitchOff();
            db.AuditLog.Add(new AuditLogEntry(now, actor, "pack.off", $"pack:{input.Code}", "on", "off"));
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (created, new PackView(pack.Code, merchant.Code, pack.Name, pack.PriceFen, pack.CostFen, pack.Stock, pack.IsOn, pack.SoldCount));
    }

    public async Task<PackView?> FindAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (from p in db.GiftPacks.AsNoTracking()
                      join m in db.Merchants on p.MerchantId equals m.Id
                      where p.Code == code
                      select new PackView(p.Code, m.Code, p.Name, p.PriceFen, p.CostFen, p.Stock, p.IsOn, p.SoldCount)).FirstOrDefaultAsync(ct);
    }
}
