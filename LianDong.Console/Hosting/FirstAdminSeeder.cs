using LianDong.Console.Security;
using LianDong.Console.Settings;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;

namespace LianDong.Console.Hosting;

/// <summary>
/// Makes sure the three roles exist and that there is a PlatformAdmin. The first admin comes from
/// LIANDONG_ADMIN_EMAIL / LIANDONG_ADMIN_PASSWORD; without them the email is <see cref="DefaultEmail"/>
/// and a strong password is generated and written to the log once (it is never stored in clear).
/// </summary>
public sealed class FirstAdminSeeder(
    UserManager<AppUser> users,
    RoleManager<IdentityRole> roles,
    LianDongDbContext db,
    IConfiguration config,
    TimeProvider clock,
    ILogger<FirstAdminSeeder> log)
{
    public const string EmailKey = "LIANDONG_ADMIN_EMAIL";
    public const string PasswordKey = "LIANDONG_ADMIN_PASSWORD";
    public const string DefaultEmail = "admin@liandong.local";

    public async Task EnsureAsync(CancellationToken ct)
    {
        // Start-up messages (the log, a refused configured password) are English, Identity's included.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(Localization.UiCulture.English);
        foreach (var role in AppRoles.All)
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), "role " + role);
                db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), "system:first-run", AuditActions.RoleCreate, "role:" + role, null, role));
                await db.SaveChangesAsync(ct);
            }

        if ((await users.GetUsersInRoleAsync(AppRoles.PlatformAdmin)).Count > 0) return;

        var email = config[EmailKey] is { Length: > 0 } e ? e.Trim() : DefaultEmail;
        var given = config[PasswordKey];
        var password = string.IsNullOrEmpty(given) ? PasswordGenerator.Generate() : given;

        var user = await users.FindByEmailAsync(email);
        var created = user is null;
        if (user is null)
        {
            user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Platform admin" };
            var result = await users.CreateAsync(user, password);
            if (!result.Succeeded && !string.IsNullOrEmpty(given))
                throw new InvalidSettingsException([$"{PasswordKey} does not meet the password policy: {Describe(result)}"]);
            Check(result, "first admin " + email);
        }
        Check(await users.AddToRoleAsync(user, AppRoles.PlatformAdmin), "first admin role");

        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), "system:first-run", created ? AuditActions.UserCreate : AuditActions.UserRoles,
            "user:" + email, created ? null : "(without PlatformAdmin)", created ? $"roles={AppRoles.PlatformAdmin}" : AppRoles.PlatformAdmin));
        await db.SaveChangesAsync(ct);

        if (!created)
            log.LogWarning("No PlatformAdmin existed: granted the role to the existing user {Email}", email);
        else if (string.IsNullOrEmpty(given))
            log.LogWarning("First PlatformAdmin created: {Email} with the generated password {Password} (shown once; set {EmailKey}/{PasswordKey} to choose them)",
                email, password, EmailKey, PasswordKey);
        else
            log.LogInformation("First PlatformAdmin created: {Email} (password from {PasswordKey})", email, PasswordKey);
    }

    private static void Check(IdentityResult r, string what)
    {
        if (!r.Succeeded) throw new InvalidOperationException($"Could not create {what}: {Describe(r)}");
    }

    private static string Describe(IdentityResult r) => string.Join(" ", r.Errors.Select(e => e.Description));
}
