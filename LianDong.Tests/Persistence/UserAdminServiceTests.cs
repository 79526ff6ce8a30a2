using LianDong.Console.Features.Merchants;
using LianDong.Console.Features.Users;
using LianDong.Console.Localization;
using LianDong.Domain.Compliance;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Persistence;

public class UserAdminServiceTests : IAsyncLifetime
{
    private readonly ServiceHarness h = new();
    private const string Admin = "root@test.liandong.local";

    public async Task InitializeAsync()
    {
        await h.InitializeAsync();
        h.CurrentUser.SignIn(Admin, AppRoles.PlatformAdmin);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    /// <summary>Messages follow the current UI culture (the circuit's); these tests read them in English.</summary>
    private static void UseEnglish() => Use(UiCulture.English);

    private static void Use(string culture) =>
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo(culture);

    private async Task<long> MerchantAsync(string code)
    {
        Assert.True((await h.Get<MerchantService>().CreateAsync(new MerchantInput { Code = code, Name = code + " Ltd" })).Ok);
        return (await h.Get<MerchantService>().ListAsync()).Single(m => m.Code == code).Id;
    }

    private async Task<List<AuditLogEntry>> AuditAsync(string action)
    {
        await using var db = h.Get<LianDongDbContext>();
        return await db.AuditLog.Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private async Task<UserRow> RowAsync(string email) =>
        (await h.Get<UserAdminService>().PageAsync(email, UserAdminService.SortEmail, false, 0, 25)).Rows.Single(u => u.Email == email);

    [Fact]
    public async Task Creating_a_merchant_user_binds_it_and_audits_who_and_what()
    {
        var merchantId = await MerchantAsync("M100");
        var password = TestSecrets.NewPassword();
        var outcome = await h.Get<UserAdminService>().CreateAsync(new UserInput
        {
            Email = "shop@test.liandong.local", DisplayName = "店长", Password = password, Roles = [AppRoles.Merchant], MerchantId = merchantId,
        });
        Assert.True(outcome.Ok, outcome.Error);

        var row = await RowAsync("shop@test.liandong.local");
        Assert.Equal([AppRoles.Merchant], row.Roles);
        Assert.Equal("M100", row.MerchantCode);
        var entry = Assert.Single(await AuditAsync(AuditActions.UserCreate));
        Assert.Equal((Admin, "user:shop@test.liandong.local", (string?)null, "roles=Merchant; merchant=M100; name=店长"),
            (entry.Actor, entry.Subject, entry.OldValue, entry.NewValue));

        using var scope = h.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.CheckPasswordAsync((await users.FindByEmailAsync("shop@test.liandong.local"))!, password));
        Assert.Equal(["shop@test.liandong.local"], (await h.Get<MerchantService>().ListAsync()).Single().Users);
    }

    [Fact]
    public async Task A_merchant_user_must_be_bound_and_other_roles_are_not()
    {
        UseEnglish();
        var service = h.Get<UserAdminService>();
        var unbound = await service.CreateAsync(new UserInput { Email = "a@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Merchant] });
        Assert.Contains("must be bound", unbound.Error);

        var merchantId = await MerchantAsync("M200");
        var finance = await service.CreateAsync(new UserInput
        {
            Email = "f@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Finance], MerchantId = merchantId,
        });
        Assert.True(finance.Ok, finance.Error);
        Assert.Null((await RowAsync("f@test.liandong.local")).MerchantId);
        Assert.Contains("Choose at least one role", (await service.CreateAsync(new UserInput { Email = "n@test.liandong.local", Password = TestSecrets.NewPassword() })).Error);
    }

    [Fact]
    public async Task Weak_passwords_and_duplicate_emails_are_refused_under_their_field_in_the_users_language()
    {
        var service = h.Get<UserAdminService>();
        UseEnglish();
        var weak = await service.CreateAsync(new UserInput { Email = "w@test.liandong.local", Password = "short", Roles = [AppRoles.Finance] });
        Assert.False(weak.Ok);
        Assert.Contains("A password needs at least 12 characters", weak.Errors[UserField.Password]);
        Assert.True((await service.CreateAsync(new UserInput { Email = "d@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Finance] })).Ok);
        var duplicate = await service.CreateAsync(new UserInput { Email = "d@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Finance] });
        Assert.Equal("The email d@test.liandong.local is already in use", duplicate.Errors[UserField.Email]);

        Use(UiCulture.Chinese);
        Assert.Equal("邮箱 d@test.liandong.local 已被使用",
            (await service.CreateAsync(new UserInput { Email = "d@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Finance] })).Errors[UserField.Email]);
        Assert.Contains("密码至少需要 12 个字符",
            (await service.CreateAsync(new UserInput { Email = "w@test.liandong.local", Password = "short", Roles = [AppRoles.Finance] })).Errors[UserField.Password]);
        Assert.Single(await AuditAsync(AuditActions.UserCreate));
    }

    [Fact]
    public async Task Role_merchant_and_name_changes_are_audited_old_to_new()
    {
        var service = h.Get<UserAdminService>();
        var m1 = await MerchantAsync("M301");
        var m2 = await MerchantAsync("M302");
        Assert.True((await service.CreateAsync(new UserInput
        {
            Email = "u@test.liandong.local", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Merchant], MerchantId = m1,
        })).Ok);
        var row = await RowAsync("u@test.liandong.local");

        var outcome = await service.UpdateAsync(row.Id, new UserInput
        {
            DisplayName = "Li Lei", Roles = [AppRoles.Merchant, AppRoles.Finance], MerchantId = m2,
        });
        Assert.True(outcome.Ok, outcome.Error);

        var roles = Assert.Single(await AuditAsync(AuditActions.UserRoles));
        Assert.Equal(("Merchant", "Finance,Merchant"), (roles.OldValue, roles.NewValue));
        var merchant = Assert.Single(await AuditAsync(AuditActions.UserMerchant));
        Assert.Equal(("M301", "M302"), (merchant.OldValue, merchant.NewValue));
        var name = Assert.Single(await AuditAsync(AuditActions.UserUpdate));
        Assert.Equal(("name=(none)", "name=Li Lei"), (name.OldValue, name.NewValue));

        // Dropping the Merchant role unbinds the merchant.
        Assert.True((await service.UpdateAsync(row.Id, new UserInput { DisplayName = "Li Lei", Roles = [AppRoles.Finance] })).Ok);
        Assert.Null((await RowAsync("u@test.liandong.local")).MerchantId);
        Assert.Equal(("M302", "(none)"), ((await AuditAsync(AuditActions.UserMerchant))[1].OldValue, (await AuditAsync(AuditActions.UserMerchant))[1].NewValue));
    }

    [Fact]
    public async Task Lock_and_unlock_are_audited_and_block_sign_in()
    {
        var service = h.Get<UserAdminService>();
        var password = TestSecrets.NewPassword();
        Assert.True((await service.CreateAsync(new UserInput { Email = "l@test.liandong.local", Password = password, Roles = [AppRoles.Finance] })).Ok);
        var row = await RowAsync("l@test.liandong.local");

        Assert.True((await service.SetLockedAsync(row.Id, true)).Ok);
        Assert.True((await RowAsync("l@test.liandong.local")).Locked);
        Assert.Equal(("unlocked", "locked"), (Assert.Single(await AuditAsync(AuditActions.UserLock)).OldValue, Assert.Single(await AuditAsync(AuditActions.UserLock)).NewValue));

        Assert.True((await service.SetLockedAsync(row.Id, false)).Ok);
        Assert.False((await RowAsync("l@test.liandong.local")).Locked);
        Assert.Equal("unlocked", Assert.Single(await AuditAsync(AuditActions.UserUnlock)).NewValue);
    }

    [Fact]
    public async Task Reset_password_issues_a_new_one_once_and_audits_without_it()
    {
        var service = h.Get<UserAdminService>();
        var old = TestSecrets.NewPassword();
        Assert.True((await service.CreateAsync(new UserInput { Email = "r@test.liandong.local", Password = old, Roles = [AppRoles.Finance] })).Ok);
        var row = await RowAsync("r@test.liandong.local");

        var (outcome, password) = await service.ResetPasswordAsync(row.Id);
        Assert.True(outcome.Ok, outcome.Error);
        Assert.NotNull(password);
        using var scope = h.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync("r@test.liandong.local"))!;
        Assert.True(await users.CheckPasswordAsync(user, password));
        Assert.False(await users.CheckPasswordAsync(user, old));
        var entry = Assert.Single(await AuditAsync(AuditActions.UserPasswordReset));
        Assert.DoesNotContain(password, entry.NewValue);
    }

    [Fact]
    public async Task The_last_admin_keeps_the_role_and_cannot_lock_themself()
    {
        await using (var scope = h.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<LianDong.Console.Hosting.FirstAdminSeeder>().EnsureAsync(default);
        UseEnglish();
        var admin = (await h.Get<UserAdminService>().PageAsync(null, null, false, 0, 25)).Rows.Single(u => u.Roles.Contains(AppRoles.PlatformAdmin));
        Assert.Contains("last platform admin", (await h.Get<UserAdminService>().UpdateAsync(admin.Id, new UserInput { Roles = [AppRoles.Finance] })).Error);

        h.CurrentUser.SignIn(admin.Email, AppRoles.PlatformAdmin);
        Assert.Contains("cannot lock your own", (await h.Get<UserAdminService>().SetLockedAsync(admin.Id, true)).Error);
    }

    [Fact]
    public async Task Only_admins_may_manage_users()
    {
        h.CurrentUser.SignIn("fin@test.liandong.local", AppRoles.Finance);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => h.Get<UserAdminService>().PageAsync(null, null, false, 0, 25));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => h.Get<MerchantService>().CreateAsync(new MerchantInput { Code = "X", Name = "X" }));
    }
}
