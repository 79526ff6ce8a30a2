using System.ComponentModel.DataAnnotations;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Compliance;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Merchants;

public sealed record MerchantRow(long Id, string Code, string Name, string? Contact, IReadOnlyList<string> Users);

public sealed class MerchantInput
{
    [Required(ErrorMessage = "请输入编码 Code is required.")]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "编码 Code: 1–64 characters of A–Z a–z 0–9 _ -")]
    public string Code { get; set; } = "";

    [Required(ErrorMessage = "请输入名称 Name is required."), StringLength(200)]
    public string Name { get; set; } = "";

    [StringLength(200)]
    public string? Contact { get; set; }
}

/// <summary>Merchants (suppliers) and the users bound to them. Admins only; every change is audited.</summary>
public sealed class MerchantService(IDbContextFactory<LianDongDbContext> dbs, ICurrentUser current, TimeProvider clock)
{
    public async Task<IReadOnlyList<MerchantRow>> ListAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var merchants = await db.Merchants.AsNoTracking().OrderBy(m => m.Code).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => u.MerchantId != null)
            .Select(u => new { u.MerchantId, u.Email }).ToListAsync(ct);
        var byMerchant = users.ToLookup(u => u.MerchantId!.Value, u => u.Email ?? "");
        return merchants.Select(m => new MerchantRow(m.Id, m.Code, m.Name, m.Contact, byMerchant[m.Id].Order().ToList())).ToList();
    }

    public async Task<Outcome> CreateAsync(MerchantInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        if (Validate(input) is { } invalid) return invalid;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var code = input.Code.Trim();
        if (await db.Merchants.AnyAsync(m => m.Code == code, ct)) return Outcome.Fail($"商户编码已存在 Merchant code {code} is taken.");

        var merchant = new Merchant(code, input.Name.Trim(), Blank(input.Contact), clock.GetUtcNow());
        db.Merchants.Add(merchant);
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.MerchantCreate, "merchant:" + code, null,
            AuditText.Of(("code", code), ("name", merchant.Name), ("contact", merchant.Contact))));
        return await SaveAsync(db, code, ct);
    }

    public async Task<Outcome> UpdateAsync(long id, MerchantInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        if (Validate(input) is { } invalid) return invalid;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var merchant = await db.Merchants.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (merchant is null) return Outcome.Fail($"没有该商户 No merchant with id {id}.");
        var code = input.Code.Trim();
        if (code != merchant.Code && await db.Merchants.AnyAsync(m => m.Code == code, ct))
            return Outcome.Fail($"商户编码已存在 Merchant code {code} is taken.");

        var (oldCode, oldName, oldContact) = (merchant.Code, merchant.Name, merchant.Contact);
        merchant.ChangeCode(code);
        merchant.Name = input.Name.Trim();
        merchant.Contact = Blank(input.Contact);
        var before = AuditText.Of(
            ("code", oldCode != merchant.Code ? oldCode : null),
            ("name", oldName != merchant.Name ? oldName : null),
            ("contact", oldContact != merchant.Contact ? oldContact ?? "(none)" : null));
        var after = AuditText.Of(
            ("code", oldCode != merchant.Code ? merchant.Code : null),
            ("name", oldName != merchant.Name ? merchant.Name : null),
            ("contact", oldContact != merchant.Contact ? merchant.Contact ?? "(none)" : null));
        if (before is null && after is null) return Outcome.Success;
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.MerchantUpdate, "merchant:" + oldCode, before, after));
        return await SaveAsync(db, code, ct);
    }

    private static Outcome? Validate(MerchantInput input)
    {
        var errors = new List<ValidationResult>();
        return Validator.TryValidateObject(input, new ValidationContext(input), errors, validateAllProperties: true)
            ? null
            : Outcome.Fail(string.Join(" ", errors.Select(e => e.ErrorMessage)));
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static async Task<Outcome> SaveAsync(LianDongDbContext db, string code, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return Outcome.Success;
        }
        catch (DbUpdateException)
        {
            // Two admins saving the same new code at once: the unique index decides.
            return Outcome.Fail($"商户编码已存在 Merchant code {code} is taken.");
        }
    }
}
