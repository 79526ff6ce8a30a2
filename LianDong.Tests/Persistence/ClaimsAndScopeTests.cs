using LianDong.Console.Features.Merchants;
using LianDong.Console.Features.Users;
using LianDong.Console.Security;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Persistence;

public class ClaimsAndScopeTests : IAsyncLifetime
{
    private readonly ServiceHarness h = new();

    public async Task InitializeAsync()
    {
        await h.InitializeAsync();
        h.CurrentUser.SignIn("root@test.liandong.local", AppRoles.PlatformAdmin);
    }

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task A_merchant_users_principal_carries_the_bound_merchant_and_scopes_to_it()
    {
        Assert.True((await h.Get<MerchantService>().CreateAsync(new MerchantInput { Code = "M1", Name = "One" })).Ok);
        var merchantId = (await h.Get<MerchantService>().ListAsync()).Single().Id;
        Assert.True((await h.Get<UserAdminService>().CreateAsync(new UserInput
        {
            Email = "m@test.liandong.local", DisplayName = "店长", Password = TestSecrets.NewPassword(), Roles = [AppRoles.Merchant], MerchantId = merchantId,
        })).Ok);

        using var scope = h.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>();
        var principal = await factory.CreateAsync((await users.FindByEmailAsync("m@test.liandong.local"))!);

        Assert.Equal(merchantId, principal.GetMerchantId());
        Assert.True(principal.IsInRole(AppRoles.Merchant));
        Assert.Equal("店长", principal.FindFirst(AppClaims.DisplayName)?.Value);

        h.CurrentUser.Principal = principal;
        var merchantScope = await h.CurrentUser.GetMerchantScopeAsync();
        Assert.Equal(merchantId, merchantScope.MerchantId);
        Assert.True(merchantScope.Allows(merchantId));
        Assert.False(merchantScope.Allows(merchantId + 1));
    }

    [Fact]
    public async Task Admins_and_finance_see_every_merchant_and_an_unbound_merchant_user_none()
    {
        Assert.True((await h.CurrentUser.GetMerchantScopeAsync()).IsAll);
        h.CurrentUser.SignIn("fin@test.liandong.local", AppRoles.Finance);
        Assert.True((await h.CurrentUser.GetMerchantScopeAsync()).IsAll);
        h.CurrentUser.SignIn("m@test.liandong.local", AppRoles.Merchant);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => h.CurrentUser.GetMerchantScopeAsync());
        h.CurrentUser.Principal = new();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => h.CurrentUser.GetMerchantScopeAsync());
    }
}
