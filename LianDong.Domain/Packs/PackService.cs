using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using LianDong.Domain.Rules;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Packs;

/// <summary>Gift packs of merchants. A pack is created off; switching it on checks the payout limit (section 9).</summary>
public sealed class PackService(IDbContextFactory<LianDongDbContext> dbFactory, TimeProvider time)
{
    public async Task<GiftPack> CreateAsync(long merchantId, string code, string name, long priceFen, long costFen, int stock, CancellationToken ct = default)
    {
        var errors = RuleSetValidator.PackFigureViolations(priceFen, costFen);
        if (errors.Count > 0) throw new ComplianceViolationException(errors);
        if (stock < 0) throw new EngineRuleException($"stock is {stock}, it must not be negative");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.GiftPacks.AnyAsync(p => p.Code == code, ct)) throw new EngineRuleException($"pack code \"{code}\" is taken");
        if (!await db.Merchants.AnyAsync(m => m.Id == merchantId, ct)) throw new UnknownReferenceException("merchant", merchantId.ToString());
        var pack = new GiftPack(merchantId, code, name, priceFen, costFen, stock, time.GetUtcNow());
        db.GiftPacks.Add(pack);
        await db.SaveChangesAsync(ct);
        return pack;
    }

    /// <summary>Problems switching this pack on would cause: one per rule-set version in effect now or later that it breaks.</summary>
    public async Task<IReadOnlyList<RuleViolation>> CheckAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pack = await db.GiftPacks.AsNoTracking().FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        return await ViolationsAsync(db, pack, ct);
    }

    public async Task SwitchOnAsync(string code, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        if (pack.IsOn) return;
        var violations = await ViolationsAsync(db, pack, ct);
        if (violations.Count > 0) throw new ComplianceViolationException(violations);
        pack.SwitchOn();
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, "pack.on", $"pack:{code}", "off", "on"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task SwitchOffAsync(string code, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        if (!pack.IsOn) return;
        pack.SwitchOff();
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, "pack.off", $"pack:{code}", "on", "off"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Changes price and cost of a pack that is off (orders already paid keep theirs).</summary>
    public async Task RepriceAsync(string code, long priceFen, long costFen, string actor, CancellationToken ct = default)
    {
        var errors = RuleSetValidator.PackFigureViolations(priceFen, costFen);
        if (errors.Count > 0) throw new ComplianceViolationException(errors);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        if (pack.IsOn) throw new EngineRuleException($"switch pack {code} off before changing its price or cost");
        var old = $"{pack.PriceFen}/{pack.CostFen}";
        pack.Reprice(priceFen, costFen);
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, "pack.reprice", $"pack:{code}", old, $"{priceFen}/{costFen}"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// What switching on a pack with these figures would break, without saving anything: the figure checks and the payout
    /// limit of every rule-set version in effect now or later (shown in the pack editor before saving).
    /// </summary>
    public async Task<IReadOnlyList<RuleViolation>> CheckFiguresAsync(string code, long priceFen, long costFen, CancellationToken ct = default)
    {
        var errors = RuleSetValidator.PackFigureViolations(priceFen, costFen);
        if (errors.Count > 0) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViolationsAsync(db, code, priceFen, costFen, ct);
    }

    /// <summary>Changes name, description and stock (any time; price and cost go through <see cref="RepriceAsync"/>). Audited.</summary>
    public async Task EditAsync(string code, string name, string? description, int stock, string actor, CancellationToken ct = default)
    {
        if (stock < 0) throw new EngineRuleException($"stock is {stock}, it must not be negative");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        var old = $"name={pack.Name}; stock={pack.Stock}; description={pack.Description}";
        pack.Edit(name, description, stock);
        var now = $"name={pack.Name}; stock={pack.Stock}; description={pack.Description}";
        if (old == now) return;
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, AuditActions.PackUpdate, $"pack:{code}", old, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records the pack's image file name (the file itself is stored by the caller under the data folder). Audited.</summary>
    public async Task SetImageAsync(string code, string? imageFile, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pack = await db.GiftPacks.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new UnknownReferenceException("pack", code);
        var old = pack.ImageFile;
        pack.SetImage(imageFile);
        db.AuditLog.Add(new AuditLogEntry(time.GetUtcNow(), actor, AuditActions.PackUpdate, $"pack:{code}", $"image={old}", $"image={imageFile}"));
        await db.SaveChangesAsync(ct);
    }

    private Task<List<RuleViolation>> ViolationsAsync(LianDongDbContext db, GiftPack pack, CancellationToken ct) =>
        ViolationsAsync(db, pack.Code, pack.PriceFen, pack.CostFen, ct);

    private async Task<List<RuleViolation>> ViolationsAsync(LianDongDbContext db, string code, long priceFen, long costFen, CancellationToken ct) =>
        await ViolationsAsync(db, code, priceFen, costFen, time.GetUtcNow(), ct);

    /// <summary>The payout limit of every rule-set version in effect at <paramref name="at"/> or later, each naming its version.</summary>
    internal static async Task<List<RuleViolation>> ViolationsAsync(LianDongDbContext db, string code, long priceFen, long costFen, DateTimeOffset at, CancellationToken ct)
    {
        var violations = new List<RuleViolation>();
        foreach (var rs in await RuleSetService.InEffectNowOrLaterAsync(db, at, ct))
            if (RuleSetValidator.PackViolation(code, priceFen, costFen, rs.Parameters, rs.Version) is { } v) violations.Add(v);
        return violations;
    }
}
