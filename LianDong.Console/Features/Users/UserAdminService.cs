using System.ComponentModel.DataAnnotations;
using LianDong.Console.Features.Shared;
using LianDong.Console.Security;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Users;

public sealed record UserRow(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles,
    long? MerchantId, string? MerchantCode, bool Locked, int FailedAttempts);

public sealed record MerchantOption(long Id, string Code, string Name)
{
    public string Label => $"{Code} · {Name}";
}

public sealed record UsersView(IReadOnlyList<UserRow> Users, IReadOnlyList<MerchantOption> Merchants);

public sealed class UserInput
{
    [Required(ErrorMessage = "请输入邮箱 Email is required."), EmailAddress(ErrorMessage = "不是有效的邮箱 Not an email address.")]
    public string Email { get; set; } = "";

    [StringLength(200)]
    public string? DisplayName { get; set; }

    /// <summary>Only for a new user; the admin passes it on. Existing users keep theirs.</summary>
    public string Password { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    /// <summary>Required for, and only for, Merchant users.</summary>
    public long? MerchantId { get; set; }
}

/// <summary>
/// Admin-only user management: create users (there is no self-registration), assign roles, bind a
/// Merchant user to a merchant, lock and unlock. Every change writes audit entries (old → new) in
/// the same transaction. Each operation runs in its own DI scope so Identity's context is not
/// shared across a long-lived Blazor circuit.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, ICurrentUser current, TimeProvider clock)
{
    public async Task<UsersView> LoadAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        var merchants = await db.Merchants.AsNoTracking().OrderBy(m => m.Code)
            .Select(m => new MerchantOption(m.Id, m.Code, m.Name)).ToListAsync(ct);
        var codes = merchants.ToDictionary(m => m.Id, m => m.Code);
        var roleNames = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.Name ?? "", ct);
        var userRoles = (await db.UserRoles.AsNoTracking().ToListAsync(ct)).ToLookup(ur => ur.UserId, ur => roleNames[ur.RoleId]);
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        var rows = users.Select(u => new UserRow(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName,
                userRoles[u.Id].Order().ToList(), u.MerchantId,
                u.MerchantId is { } m && codes.TryGetValue(m, out var code) ? code : null,
                u.LockoutEnd > now, u.AccessFailedCount))
            .ToList();
        return new UsersView(rows, merchants);
    }

    public async Task<Outcome> CreateAsync(UserInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await ValidateAsync(db, input, ct) is { } invalid) return invalid;
        if (string.IsNullOrEmpty(input.Password)) return Outcome.Fail("请输入初始密码 An initial password is required.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var email = input.Email.Trim();
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true,
            DisplayName = Blank(input.DisplayName),
            MerchantId = input.Roles.Contains(AppRoles.Merchant) ? input.MerchantId : null,
        };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded) return Outcome.Fail(Describe(created));
        var granted = await users.AddToRolesAsync(user, input.Roles.Order());
        if (!granted.Succeeded) return Outcome.Fail(Describe(granted));

        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.UserCreate, "user:" + email, null,
            AuditText.Of(("roles", string.Join(",", input.Roles.Order())), ("merchant", await MerchantCodeAsync(db, user.MerchantId, ct)),
                ("name", user.DisplayName))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome.Success;
    }

    public async Task<Outcome> UpdateAsync(string userId, UserInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Outcome.Fail("没有该用户 No such user.");
        input.Email = user.Email ?? "";
        if (await ValidateAsync(db, input, ct) is { } invalid) return invalid;

        var oldRoles = (await users.GetRolesAsync(user)).Order().ToList();
        var newRoles = input.Roles.Distinct().Order().ToList();
        if (oldRoles.Contains(AppRoles.PlatformAdmin) && !newRoles.Contains(AppRoles.PlatformAdmin)
            && (await users.GetUsersInRoleAsync(AppRoles.PlatformAdmin)).Count == 1)
            return Outcome.Fail("不能移除最后一位平台管理员 The last PlatformAdmin cannot lose the role.");

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var subject = "user:" + user.Email;
        var rolesChanged = !oldRoles.SequenceEqual(newRoles);
        if (rolesChanged)
        {
            var removed = await users.RemoveFromRolesAsync(user, oldRoles.Except(newRoles));
            if (!removed.Succeeded) return Outcome.Fail(Describe(removed));
            var added = await users.AddToRolesAsync(user, newRoles.Except(oldRoles));
            if (!added.Succeeded) return Outcome.Fail(Describe(added));
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.UserRoles, subject,
                Roles(oldRoles), Roles(newRoles)));
        }

        var newMerchant = newRoles.Contains(AppRoles.Merchant) ? input.MerchantId : null;
        var merchantChanged = newMerchant != user.MerchantId;
        if (merchantChanged)
        {
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.UserMerchant, subject,
                await MerchantCodeAsync(db, user.MerchantId, ct) ?? "(none)", await MerchantCodeAsync(db, newMerchant, ct) ?? "(none)"));
            user.MerchantId = newMerchant;
        }

        var newName = Blank(input.DisplayName);
        if (newName != user.DisplayName)
        {
            db.AuditLog.Add(new AuditLogEntry(now, actor, AuditActions.UserUpdate, subject,
                AuditText.Of(("name", user.DisplayName ?? "(none)")), AuditText.Of(("name", newName ?? "(none)"))));
            user.DisplayName = newName;
        }

        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return Outcome.Fail(Describe(updated));
        // A new security stamp makes open sessions pick up the new roles (or sign out).
        if (rolesChanged || merchantChanged) await users.UpdateSecurityStampAsync(user);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome.Success;
    }

    public async Task<Outcome> SetLockedAsync(string userId, bool locked, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Outcome.Fail("没有该用户 No such user.");
        if (locked && string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase))
            return Outcome.Fail("不能锁定自己 You cannot lock your own account.");

        var now = clock.GetUtcNow();
        var wasLocked = user.LockoutEnd > now;
        if (wasLocked == locked) return Outcome.Success;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        if (!result.Succeeded) return Outcome.Fail(Describe(result));
        if (!locked) await users.ResetAccessFailedCountAsync(user);
        else await users.UpdateSecurityStampAsync(user);
        db.AuditLog.Add(new AuditLogEntry(now, actor, locked ? AuditActions.UserLock : AuditActions.UserUnlock, "user:" + user.Email,
            wasLocked ? $"locked until {user.LockoutEnd:u}" : "unlocked", locked ? "locked" : "unlocked"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome.Success;
    }

    /// <summary>
    /// Gives the user a new generated password, returned once for the admin to pass on (it is not
    /// stored or logged). Open sessions of that user end (new security stamp); a lockout is lifted.
    /// </summary>
    public async Task<(Outcome Outcome, string? Password)> ResetPasswordAsync(string userId, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return (Outcome.Fail("没有该用户 No such user."), null);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var password = PasswordGenerator.Generate();
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, password);
        if (!reset.Succeeded) return (Outcome.Fail(Describe(reset)), null);
        await users.ResetAccessFailedCountAsync(user);
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.UserPasswordReset, "user:" + user.Email,
            null, "new password issued"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (Outcome.Success, password);
    }

    private static (UserManager<AppUser>, LianDongDbContext) Resolve(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), scope.ServiceProvider.GetRequiredService<LianDongDbContext>());

    private static async Task<Outcome?> ValidateAsync(LianDongDbContext db, UserInput input, CancellationToken ct)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(input, new ValidationContext(input), errors, validateAllProperties: true))
            return Outcome.Fail(string.Join(" ", errors.Select(e => e.ErrorMessage)));
        if (input.Roles.Count == 0) return Outcome.Fail("请至少选择一个角色 Choose at least one role.");
        if (input.Roles.FirstOrDefault(r => !AppRoles.All.Contains(r)) is { } unknown) return Outcome.Fail($"Unknown role {unknown}.");
        if (input.Roles.Contains(AppRoles.Merchant))
        {
            if (input.MerchantId is not { } id) return Outcome.Fail("商户用户必须绑定商户 A Merchant user must be bound to a merchant.");
            if (!await db.Merchants.AnyAsync(m => m.Id == id, ct)) return Outcome.Fail($"没有该商户 No merchant with id {id}.");
        }
        return null;
    }

    private static async Task<string?> MerchantCodeAsync(LianDongDbContext db, long? id, CancellationToken ct) =>
        id is { } m ? await db.Merchants.Where(x => x.Id == m).Select(x => x.Code).SingleOrDefaultAsync(ct) : null;

    private static string Roles(IReadOnlyCollection<string> roles) => roles.Count == 0 ? "(none)" : string.Join(",", roles);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Describe(IdentityResult r) => string.Join(" ", r.Errors.Select(e => e.Description));
}
