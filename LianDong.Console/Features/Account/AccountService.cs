using System.Security.Claims;
using LianDong.Console.Features.Shared;
using LianDong.Console.Hosting;
using LianDong.Domain.Compliance;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Features.Account;

public enum SignInOutcome { SignedIn, WrongCredentials, LockedOut, NotAllowed }

/// <summary>Password sign-in with lockout: the fifth wrong password in a row locks the account for 15 minutes.</summary>
public sealed class AccountService(SignInManager<AppUser> signIn, LianDongDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Identity reads the failed-attempt count, checks the password and writes count + 1 as separate steps, so parallel
    /// attempts all read the same count: 100 at once checked 28 passwords, and a right one signed in while the account was
    /// being locked. Attempts for one user name therefore take turns (striped locks: bounded memory whatever names are
    /// tried), so exactly five wrong passwords are checked before the lockout. One process holds the database (ADR 0020).
    /// </summary>
    private static readonly SemaphoreSlim[] SignInStripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password)
    {
        var name = email.Trim();
        var key = signIn.UserManager.NormalizeName(name) ?? "";
        var stripe = SignInStripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)SignInStripes.Length)];
        await stripe.WaitAsync();
        SignInResult result;
        try { result = await signIn.PasswordSignInAsync(name, password, isPersistent: false, lockoutOnFailure: true); }
        finally { stripe.Release(); }
        if (result.Succeeded)
        {
            // The console opens in the language this user chose last time, on any browser.
            var culture = await signIn.UserManager.Users.Where(u => u.NormalizedUserName == key).Select(u => u.Culture).FirstOrDefaultAsync();
            if (LianDong.Console.Localization.UiCulture.Parse(culture) is { } chosen)
                LianDong.Console.Localization.UiCulture.AppendCookie(signIn.Context.Response, chosen);
            return SignInOutcome.SignedIn;
        }
        if (result.IsLockedOut) return SignInOutcome.LockedOut;
        if (result.IsNotAllowed) return SignInOutcome.NotAllowed;
        return SignInOutcome.WrongCredentials;
    }

    /// <summary>
    /// Ends the session for good: the user's security stamp changes before the cookie is deleted, and cookies are checked
    /// against the stamp on every request (IdentitySetup), so a copy of the cookie saved before sign-out no longer works.
    /// This ends the user's sessions in other browsers too.
    /// </summary>
    public async Task SignOutAsync()
    {
        var user = await signIn.UserManager.GetUserAsync(signIn.Context.User);
        if (user is not null) await signIn.UserManager.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
    }

    /// <summary>
    /// Changes the signed-in user's own password and renews their cookie (the security stamp
    /// changes, which would otherwise end this session too). Runs in a static SSR request.
    /// </summary>
    public async Task<Outcome> ChangePasswordAsync(ClaimsPrincipal principal, string currentPassword, string newPassword)
    {
        var users = signIn.UserManager;
        var user = await users.GetUserAsync(principal);
        if (user is null) return Outcome.Fail(AccountText.Get("Password.NoSuchUser"));
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded) return Outcome.Fail(string.Join(" ", result.Errors.Select(e => e.Description)));
        db.AuditLog.Add(new AuditLogEntry(clock.GetUtcNow(), user.UserName ?? user.Id, AuditActions.UserPasswordChange,
            "user:" + user.Email, null, "password changed by the user"));
        await db.SaveChangesAsync();
        await signIn.RefreshSignInAsync(user);
        return Outcome.Success;
    }

    public static string Message(SignInOutcome outcome) => outcome switch
    {
        SignInOutcome.WrongCredentials => AccountText.Get("Login.WrongCredentials"),
        SignInOutcome.LockedOut => AccountText.Format("Login.LockedOut", IdentitySetup.MaxFailedAccessAttempts, IdentitySetup.LockoutDuration.TotalMinutes),
        SignInOutcome.NotAllowed => AccountText.Get("Login.NotAllowed"),
        _ => "",
    };

    /// <summary>
    /// Only local paths are followed after sign-in, so a crafted link cannot send the user elsewhere. The path becomes a
    /// Location header, which must be ASCII: other text (the query binding decodes 付款 from %E4%BB%98%E6%AC%BE) is
    /// percent-encoded as UTF-8, and control characters or text that is not valid UTF-16 give "/".
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl, bool allowAccountPages = false)
    {
        if (string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//") || returnUrl.StartsWith("/\\")
            || (!allowAccountPages && returnUrl.StartsWith("/account/", StringComparison.OrdinalIgnoreCase)))
            return "/";
        if (returnUrl.Any(char.IsControl)) return "/";
        if (returnUrl.All(char.IsAscii)) return returnUrl;
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < returnUrl.Length; i++)
        {
            var c = returnUrl[i];
            if (char.IsAscii(c)) { sb.Append(c); continue; }
            int length = char.IsHighSurrogate(c) && i + 1 < returnUrl.Length && char.IsLowSurrogate(returnUrl[i + 1]) ? 2 : 1;
            if (char.IsSurrogate(c) && length == 1) return "/";
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(returnUrl.Substring(i, length))) sb.Append('%').Append(b.ToString("X2"));
            i += length - 1;
        }
        return sb.ToString();
    }
}
