using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LianDong.Domain.Compliance;
using LianDong.Domain.Engine;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Domain.Payouts;

/// <summary>A field of a payout account that does not validate; <see cref="Field"/> is the JSON name.</summary>
public sealed class PayoutAccountValidationException(string field, string message) : EngineException(message)
{
    public string Field { get; } = field;
}

public enum PayoutAccountChange { Created, Updated, Unchanged }

/// <summary>
/// Sets and reads payout accounts. The details are encrypted with ASP.NET Core Data Protection
/// (purpose <see cref="Purpose"/>); only <see cref="GetDetailsAsync"/> decrypts, for the bank export.
/// Every change writes an audit row with the masked old and new values.
/// </summary>
public sealed class PayoutAccountService(IDbContextFactory<LianDongDbContext> dbFactory, IDataProtectionProvider protection, TimeProvider time)
{
    public const string Purpose = "LianDong.PayoutAccount.v1";
    public const string AuditAction = "payout-account.set";

    private IDataProtector Protector => protection.CreateProtector(Purpose);

    /// <summary>Validates and normalizes (trims; spaces and dashes removed from the number). Throws naming the field.</summary>
    public static PayoutAccountDetails Normalize(string? accountName, string? bankName, string? accountNo)
    {
        var name = (accountName ?? "").Trim();
        if (name.Length is 0 or > 100) throw new PayoutAccountValidationException("accountName", "accountName must be 1–100 characters");
        var bank = (bankName ?? "").Trim();
        if (bank.Length is 0 or > 100) throw new PayoutAccountValidationException("bankName", "bankName must be 1–100 characters");
        var no = (accountNo ?? "").Replace(" ", "").Replace("-", "");
        if (no.Length is < 6 or > 34 || !no.All(char.IsAsciiLetterOrDigit))
            throw new PayoutAccountValidationException("accountNo", "accountNo must be 6–34 letters or digits (spaces and dashes are ignored)");
        return new PayoutAccountDetails(name, bank, no.ToUpperInvariant());
    }

    /// <summary>
    /// Creates or replaces the member's account. Throws <see cref="UnknownReferenceException"/> for an
    /// unknown member and <see cref="PayoutAccountValidationException"/> for a bad field.
    /// </summary>
    public Task<(PayoutAccountChange Change, PayoutAccountView Account)> SetAsync(
        string memberExternalId, string? accountName, string? bankName, string? accountNo, string actor, CancellationToken ct = default) =>
        SetAsync(memberExternalId, accountName, bankName, accountNo, actor, retried: false, ct);

    private async Task<(PayoutAccountChange Change, PayoutAccountView Account)> SetAsync(
        string memberExternalId, string? accountName, string? bankName, string? accountNo, string actor, bool retried, CancellationToken ct)
    {
        var details = Normalize(accountName, bankName, accountNo);
        var fingerprint = Fingerprint(details);
        var now = time.GetUtcNow();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var member = await db.Members.Where(m => m.ExternalId == memberExternalId).Select(m => new { m.Id, m.ExternalId }).FirstOrDefaultAsync(ct)
            ?? throw new UnknownReferenceException("member", memberExternalId);

        var account = await db.PayoutAccounts.FirstOrDefaultAsync(a => a.MemberId == member.Id, ct);
        if (account is not null && account.Fingerprint == fingerprint)
            return (PayoutAccountChange.Unchanged, View(account, member.ExternalId));

        var change = account is null ? PayoutAccountChange.Created : PayoutAccountChange.Updated;
        var old = account is null ? null : Describe(account);
        if (account is null)
        {
            account = new PayoutAccount(member.Id, now);
            db.PayoutAccounts.Add(account);
        }
        account.Replace(Protector.Protect(JsonSerializer.Serialize(details)), fingerprint, details, now);
        db.AuditLog.Add(new AuditLogEntry(now, actor, AuditAction, $"member:{member.ExternalId}", old, Describe(account)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (change == PayoutAccountChange.Created && !retried)
        {
            // Another request created the row first (unique MemberId): apply ours over it, once.
            return await SetAsync(memberExternalId, accountName, bankName, accountNo, actor, retried: true, ct);
        }
        return (change, View(account, member.ExternalId));
    }

    /// <summary>The masked account of one member (by internal id), or null when none is set.</summary>
    public async Task<PayoutAccountView?> GetMaskedAsync(long memberId, CancellationToken ct = default)
    {
        var map = await GetMaskedAsync([memberId], ct);
        return map.GetValueOrDefault(memberId);
    }

    /// <summary>The masked accounts of the given members (by internal id); members without an account are absent.</summary>
    public async Task<IReadOnlyDictionary<long, PayoutAccountView>> GetMaskedAsync(IReadOnlyCollection<long> memberIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var result = new Dictionary<long, PayoutAccountView>();
        foreach (var chunk in memberIds.Distinct().Chunk(500))
        {
            var rows = await (from a in db.PayoutAccounts
                              join m in db.Members on a.MemberId equals m.Id
                              where chunk.Contains(a.MemberId)
                              select new { a, m.ExternalId }).ToListAsync(ct);
            foreach (var r in rows) result[r.a.MemberId] = View(r.a, r.ExternalId);
        }
        return result;
    }

    /// <summary>
    /// The clear details for the bank file (finance only; the caller audits the export).
    /// Members without an account are absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, PayoutAccountDetails>> GetDetailsAsync(IReadOnlyCollection<long> memberIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var result = new Dictionary<long, PayoutAccountDetails>();
        var protector = Protector;
        foreach (var chunk in memberIds.Distinct().Chunk(500))
        {
            var rows = await db.PayoutAccounts.Where(a => chunk.Contains(a.MemberId)).Select(a => new { a.MemberId, a.Protected }).ToListAsync(ct);
            foreach (var r in rows)
                result[r.MemberId] = JsonSerializer.Deserialize<PayoutAccountDetails>(protector.Unprotect(r.Protected))!;
        }
        return result;
    }

    /// <summary>Decrypts an account payload kept with a payout line (for the bank file only).</summary>
    public PayoutAccountDetails Reveal(string protectedPayload) =>
        JsonSerializer.Deserialize<PayoutAccountDetails>(Protector.Unprotect(protectedPayload))!;

    public async Task<PayoutAccountDetails?> GetDetailsAsync(long memberId, CancellationToken ct = default) =>
        (await GetDetailsAsync([memberId], ct)).GetValueOrDefault(memberId);

    private static PayoutAccountView View(PayoutAccount a, string externalId) =>
        new(a.MemberId, externalId, a.MaskedAccountName, a.BankName, a.MaskedAccountNo, a.UpdatedAt);

    private static string Describe(PayoutAccount a) => $"{a.MaskedAccountName} / {a.BankName} / {a.MaskedAccountNo}";

    private static string Fingerprint(PayoutAccountDetails d) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(d))));
}
