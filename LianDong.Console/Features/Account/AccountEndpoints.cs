using LianDong.Console.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace LianDong.Console.Features.Account;

public static class AccountEndpoints
{
    /// <summary>
    /// Sign-out is a POST from the header's form. Binding a [FromForm] value makes the endpoint
    /// validate the antiforgery token, so another site cannot sign a user out.
    /// </summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost(IdentitySetup.LogoutPath, async (AccountService account, [FromForm] string? returnUrl) =>
        {
            await account.SignOutAsync();
            return Results.LocalRedirect(IdentitySetup.LoginPath);
        });
}
