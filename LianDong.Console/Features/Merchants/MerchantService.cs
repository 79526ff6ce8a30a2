using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Compliance;
using LianDong.Domain.Merchants;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Merchants;

public sealed record MerchantRow(long Id, string Code, string Name, string? Contact, IReadOnlyList<string> Users);

/// <summary>The merchant form's fields as typed.</summary>
public sealed partial class MerchantInput
{
    public const int MaxLength = 200;

    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Contact { get; set; }

    /// <summary>One message per field that is wrong, in the user's language, keyed by the field's name.</summary>
    public IReadOnlyDictionary<string, string> Errors()
    {
        var errors = new Dictionary<string, string>();
        var code = Code.Trim();
        if (code.Length == 0) errors[nameof(Code)] = MerchantsText.Get("Error.CodeRequired");
        else if (!CodePattern().IsMatch(code)) errors[nameof(Code)] = MerchantsText.Get("Error.CodeFormat");
        if (string.IsNullOrWhiteSpace(Name)) errors[nameof(Name)] = MerchantsText.Get("Error.NameRequired");
        else if (Name.Trim().Length > MaxLength) errors[nameof(Name)] = MerchantsText.Get("Error.NameTooLong");
        if (Contact?.Trim().Length > MaxLength) errors[nameof(Contact)] = MerchantsText.Get("Error.ContactTooLong");
        return errors;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial System.Text.RegularExpressions.Regex CodePattern();
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
        if (await db.Merchants.AnyAsync(m => m.Code == code, ct)) return Outcome.Fail(MerchantsText.Format("Error.CodeTaken", code));

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
        if (merchant is null) return Outcome.Fail(MerchantsText.Get("Error.NoMerchant"));
        var code = input.Code.Trim();
        if (code != merchant.Code && await db.Merchants.AnyAsync(m => m.Code == code, ct))
            return Outcome.Fail(MerchantsText.Format("Error.CodeTaken", code));

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

    private static Outcome? Validate(MerchantInput input) =>
        input.Errors() is { Count: > 0 } errors ? Outcome.Fail(string.Join(" ", errors.Values)) : null;

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
            return Outcome.Fail(MerchantsText.Format("Error.CodeTaken", code));
        }
    }
}
