using System.Security.Claims;
using LianDong.Console.Features.Shared;
using LianDong.Console.Hosting;
using LianDong.Domain.Compliance;
using LianDong.Domain.Persistence;
using Microsoft.AspNetCore.Identity;

namespace LianDong.Console.Features.Account;

public enum SignInOutcome { SignedIn, WrongCredentials, LockedOut, NotAllowed }

/// <summary>Password sign-in with lockout: the fifth wrong password in a row locks the account for 15 minutes.</summary>
public sealed class AccountService(SignInManager<AppUser> signIn, LianDongDbContext db, TimeProvider clock)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string email, string password)
    {
        var result = await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded) return SignInOutcome.SignedIn;
        if (result.IsLockedOut) return SignInOutcome.LockedOut;
        if (result.IsNotAllowed) return SignInOutcome.NotAllowed;
        return SignInOutcome.WrongCredentials;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    /// <summary>
    /// Changes the signed-in user's own password and renews their cookie (the security stamp
    /// changes, which would otherwise end this session too). Runs in a static SSR request.
    /// </summary>
    public async Task<Outcome> ChangePasswordAsync(ClaimsPrincipal principal, string currentPassword, string newPassword)
    {
        var users = signIn.UserManager;
        var user = await users.GetUserAsync(principal);
        if (user is null) return Outcome.Fail("没有该用户 No such user.");
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
        SignInOutcome.WrongCredentials => "邮箱或密码错误 Wrong email or password.",
        SignInOutcome.LockedOut => $"账户已锁定 This account is locked after {IdentitySetup.MaxFailedAccessAttempts} wrong passwords in a row; try again in {IdentitySetup.LockoutDuration.TotalMinutes:0} minutes or ask an admin to unlock it.",
        SignInOutcome.NotAllowed => "账户不可用 This account may not sign in.",
        _ => "",
    };

    /// <summary>Only local paths are followed after sign-in, so a crafted link cannot send the user elsewhere.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            && !returnUrl.StartsWith("/account/", StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";
}
