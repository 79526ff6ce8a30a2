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

/// <summary>The form's fields, as <see cref="UserSaveResult"/> names them.</summary>
public static class UserField
{
    public const string Email = nameof(UserInput.Email), DisplayName = nameof(UserInput.DisplayName), Password = nameof(UserInput.Password),
        Roles = nameof(UserInput.Roles), Merchant = nameof(UserInput.MerchantId), Form = "";
}

public sealed class UserInput
{
    public const int MaxNameLength = 200;
    private static readonly EmailAddressAttribute EmailFormat = new();

    public string Email { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary>Only for a new user; the admin passes it on. Existing users keep theirs.</summary>
    public string Password { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    /// <summary>Required for, and only for, Merchant users.</summary>
    public long? MerchantId { get; set; }

    /// <summary>
    /// What is wrong with the form, field by field, in the user's language (the dialog shows each under its field; the
    /// service checks the same before saving). Identity checks the password's strength and the email's uniqueness itself.
    /// </summary>
    public Dictionary<string, string> Check(bool creating)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(Email)) errors[UserField.Email] = UsersText.Get("Error.EmailRequired");
        else if (!EmailFormat.IsValid(Email.Trim())) errors[UserField.Email] = UsersText.Get("Error.EmailInvalid");
        if (DisplayName is { Length: > MaxNameLength }) errors[UserField.DisplayName] = UsersText.Get("Error.NameTooLong");
        if (creating && string.IsNullOrEmpty(Password)) errors[UserField.Password] = UsersText.Get("Error.PasswordRequired");
        if (Roles.Count == 0) errors[UserField.Roles] = UsersText.Get("Error.RolesRequired");
        else if (Roles.FirstOrDefault(r => !AppRoles.All.Contains(r)) is { } unknown) errors[UserField.Roles] = UsersText.Format("Error.UnknownRole", unknown);
        if (Roles.Contains(AppRoles.Merchant) && MerchantId is null) errors[UserField.Merchant] = UsersText.Get("Error.MerchantRequired");
        return errors;
    }
}

/// <summary>Saving a user: done, or refused with messages per field (<see cref="UserField"/>; <see cref="UserField.Form"/> for the whole form).</summary>
public sealed record UserSaveResult(IReadOnlyDictionary<string, string> Errors)
{
    public static readonly UserSaveResult Success = new(new Dictionary<string, string>());

    public bool Ok => Errors.Count == 0;

    /// <summary>All messages in one line.</summary>
    public string? Error => Ok ? null : string.Join(" ", Errors.Values);

    public static UserSaveResult Fail(string field, string message) => new(new Dictionary<string, string> { [field] = message });

    /// <summary>Identity's refusal (its messages come from <see cref="LocalizedIdentityErrorDescriber"/>), under the field it is about.</summary>
    public static UserSaveResult Of(IdentityResult result)
    {
        var errors = new Dictionary<string, string>();
        // The user name is the email: a duplicate email is also a duplicate user name, said once.
        var duplicateEmail = result.Errors.Any(e => e.Code == "DuplicateEmail");
        foreach (var e in result.Errors.Where(e => !(duplicateEmail && e.Code == "DuplicateUserName")))
        {
            var field = e.Code.StartsWith("Password", StringComparison.Ordinal) ? UserField.Password
                : e.Code is "DuplicateEmail" or "DuplicateUserName" or "InvalidEmail" or "InvalidUserName" ? UserField.Email
                : UserField.Form;
            errors[field] = errors.TryGetValue(field, out var before) ? before + " " + e.Description : e.Description;
        }
        return new UserSaveResult(errors);
    }
}

/// <summary>
/// Admin-only user management: create users (there is no self-registration), assign roles, bind a
/// Merchant user to a merchant, lock and unlock. Every change writes audit entries (old → new) in
/// the same transaction. Each operation runs in its own DI scope so Identity's context is not
/// shared across a long-lived Blazor circuit.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, ICurrentUser current, TimeProvider clock)
{
    /// <summary>Sort names the page may ask for; anything else sorts by email.</summary>
    public const string SortEmail = "email", SortName = "name";

    /// <summary>
    /// One page of users, searched by email or name (contains, ignoring case), sorted by email (the unique, indexed
    /// normalized email) or name, the id breaking ties. Roles and merchant codes are read for that page only.
    /// </summary>
    public async Task<(IReadOnlyList<UserRow> Rows, int Total)> PageAsync(string? search, string? sortBy, bool descending, int skip, int take,
        CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        var q = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var upper = term.ToUpperInvariant();
            q = q.Where(u => u.NormalizedEmail!.Contains(upper) || (u.DisplayName != null && u.DisplayName.Contains(term)));
        }
        var total = await q.CountAsync(ct);
        q = (sortBy, descending) switch
        {
            (SortName, false) => q.OrderBy(u => u.DisplayName).ThenBy(u => u.Id),
            (SortName, true) => q.OrderByDescending(u => u.DisplayName).ThenByDescending(u => u.Id),
            (_, true) => q.OrderByDescending(u => u.NormalizedEmail).ThenByDescending(u => u.Id),
            _ => q.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id),
        };
        var users = await q.Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);

        var ids = users.Select(u => u.Id).ToList();
        var roles = (await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                            where ids.Contains(ur.UserId) select new { ur.UserId, r.Name }).ToListAsync(ct))
            .ToLookup(x => x.UserId, x => x.Name ?? "");
        var merchantIds = users.Where(u => u.MerchantId is not null).Select(u => u.MerchantId!.Value).Distinct().ToList();
        var codes = await db.Merchants.AsNoTracking().Where(m => merchantIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Code, ct);
        var now = clock.GetUtcNow();
        var rows = users.Select(u => new UserRow(u.Id, u.Email ?? u.UserName ?? "", u.DisplayName,
                roles[u.Id].Order().ToList(), u.MerchantId,
                u.MerchantId is { } m && codes.TryGetValue(m, out var code) ? code : null,
                u.LockoutEnd > now, u.AccessFailedCount))
            .ToList();
        return (rows, total);
    }

    /// <summary>Merchants to bind a merchant user to.</summary>
    public async Task<IReadOnlyList<MerchantOption>> MerchantsAsync(CancellationToken ct = default)
    {
        await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LianDongDbContext>();
        return await db.Merchants.AsNoTracking().OrderBy(m => m.Code).Select(m => new MerchantOption(m.Id, m.Code, m.Name)).ToListAsync(ct);
    }

    public async Task<UserSaveResult> CreateAsync(UserInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await ValidateAsync(db, input, creating: true, ct) is { } invalid) return invalid;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var email = input.Email.Trim();
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true,
            DisplayName = Blank(input.DisplayName),
            MerchantId = input.Roles.Contains(AppRoles.Merchant) ? input.MerchantId : null,
        };
        var created = await users.CreateAsync(user, input.Password);
        if (!created.Succeeded) return UserSaveResult.Of(created);
        var granted = await users.AddToRolesAsync(user, input.Roles.Order());
        if (!granted.Succeeded) return UserSaveResult.Of(granted);

        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), actor, AuditActions.UserCreate, "user:" + email, null,
            AuditText.Of(("roles", string.Join(",", input.Roles.Order())), ("merchant", await MerchantCodeAsync(db, user.MerchantId, ct)),
                ("name", user.DisplayName))));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return UserSaveResult.Success;
    }

    public async Task<UserSaveResult> UpdateAsync(string userId, UserInput input, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return UserSaveResult.Fail(UserField.Form, UsersText.Get("Error.NoSuchUser"));
        input.Email = user.Email ?? "";
        if (await ValidateAsync(db, input, creating: false, ct) is { } invalid) return invalid;

        var oldRoles = (await users.GetRolesAsync(user)).Order().ToList();
        var newRoles = input.Roles.Distinct().Order().ToList();
        if (oldRoles.Contains(AppRoles.PlatformAdmin) && !newRoles.Contains(AppRoles.PlatformAdmin)
            && (await users.GetUsersInRoleAsync(AppRoles.PlatformAdmin)).Count == 1)
            return UserSaveResult.Fail(UserField.Roles, UsersText.Get("Error.LastAdmin"));

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var subject = "user:" + user.Email;
        var rolesChanged = !oldRoles.SequenceEqual(newRoles);
        if (rolesChanged)
        {
            var removed = await users.RemoveFromRolesAsync(user, oldRoles.Except(newRoles));
            if (!removed.Succeeded) return UserSaveResult.Of(removed);
            var added = await users.AddToRolesAsync(user, newRoles.Except(oldRoles));
            if (!added.Succeeded) return UserSaveResult.Of(added);
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
        if (!updated.Succeeded) return UserSaveResult.Of(updated);
        // A new security stamp makes open sessions pick up the new roles (or sign out).
        if (rolesChanged || merchantChanged) await users.UpdateSecurityStampAsync(user);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return UserSaveResult.Success;
    }

    public async Task<Outcome> SetLockedAsync(string userId, bool locked, CancellationToken ct = default)
    {
        var actor = await current.RequireAdminAsync();
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Outcome.Fail(UsersText.Get("Error.NoSuchUser"));
        if (locked && string.Equals(user.UserName, actor, StringComparison.OrdinalIgnoreCase))
            return Outcome.Fail(UsersText.Get("Error.LockSelf"));

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
        if (user is null) return (Outcome.Fail(UsersText.Get("Error.NoSuchUser")), null);

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

    private static async Task<UserSaveResult?> ValidateAsync(LianDongDbContext db, UserInput input, bool creating, CancellationToken ct)
    {
        var errors = input.Check(creating);
        if (errors.Count > 0) return new UserSaveResult(errors);
        if (input.Roles.Contains(AppRoles.Merchant) && !await db.Merchants.AnyAsync(m => m.Id == input.MerchantId, ct))
            return UserSaveResult.Fail(UserField.Merchant, UsersText.Get("Error.NoSuchMerchant"));
        return null;
    }

    private static async Task<string?> MerchantCodeAsync(LianDongDbContext db, long? id, CancellationToken ct) =>
        id is { } m ? await db.Merchants.Where(x => x.Id == m).Select(x => x.Code).SingleOrDefaultAsync(ct) : null;

    private static string Roles(IReadOnlyCollection<string> roles) => roles.Count == 0 ? "(none)" : string.Join(",", roles);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static string Describe(IdentityResult r) => string.Join(" ", r.Errors.Select(e => e.Description));
}
