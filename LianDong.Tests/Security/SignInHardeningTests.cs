using System.Net;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Security;

/// <summary>Issue 13, found by attacking the sign-in: a raced lockout, a non-ASCII ReturnUrl, a cookie replayed after sign-out.</summary>
public class SignInHardeningTests : IDisposable
{
    private readonly ConsoleFactory factory = new();

    public void Dispose() => factory.Dispose();

    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string token, string email, string password, string query = "") =>
        await client.PostAsync("/account/login" + query, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
        }));

    [Fact]
    public async Task A_hundred_parallel_wrong_passwords_check_exactly_five_and_then_the_right_one_is_locked_out()
    {
        var email = TestSecrets.NewEmail("race");
        var password = await factory.CreateUserAsync(email, AppRoles.Finance);
        // Each attempt its own browser (cookie and antiforgery token), all sent at once.
        var clients = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var c = NewClient();
            return (Client: c, Token: FormLogin.Token(await c.GetStringAsync("/account/login")));
        }));
        var answers = await Task.WhenAll(clients.Select(async x =>
            System.Net.WebUtility.HtmlDecode(await (await PostLoginAsync(x.Client, x.Token, email, TestSecrets.NewPassword())).Content.ReadAsStringAsync())));

        // The first four wrong passwords say so, the fifth locks, every later one is refused unchecked.
        Assert.Equal(4, answers.Count(a => a.Contains("邮箱或密码错误")));
        Assert.Equal(96, answers.Count(a => a.Contains("账户已锁定")));
        using (var scope = factory.Services.CreateScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<LianDongDbContext>().Users.AsNoTracking().SingleAsync(u => u.Email == email);
            Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
        }

        var right = await Task.WhenAll(clients.Take(20).Select(x => PostLoginAsync(x.Client, x.Token, email, password)));
        Assert.All(right, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode)); // the form again, not a redirect into the console
        foreach (var r in right) Assert.Contains("账户已锁定", System.Net.WebUtility.HtmlDecode(await r.Content.ReadAsStringAsync()));
    }

    /// <summary>
    /// Real Kestrel: the in-memory test server accepts a non-ASCII Location header, Kestrel throws on it (the 500 seen).
    /// The query binding decodes the escaped link back to raw text, which used to become the Location as is.
    /// </summary>
    [Theory]
    [InlineData("/付款", "/%E4%BB%98%E6%AC%BE")]
    [InlineData("/payouts?q=张三", "/payouts?q=%E5%BC%A0%E4%B8%89")]
    [InlineData("/x\u0001y", "/")]
    public async Task A_return_url_with_non_ascii_text_signs_in_to_a_local_path_not_a_500(string returnUrl, string expected)
    {
        await using var console = await KestrelConsole.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = console.BaseAddress };
        var query = "?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var page = await client.GetAsync("/account/login" + query);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var response = await PostLoginAsync(client, FormLogin.Token(await page.Content.ReadAsStringAsync()), console.AdminEmail, console.AdminPassword, query);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal(expected, location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
    }

    [Fact]
    public async Task A_cookie_saved_before_sign_out_no_longer_works_after_it()
    {
        var email = TestSecrets.NewEmail("fin");
        var password = await factory.CreateUserAsync(email, AppRoles.Finance);
        var cookies = new CookieContainer();
        var client = factory.CreateDefaultClient(new CookieContainerHandler(cookies));
        await FormLogin.SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settlements")).StatusCode);
        var saved = cookies.GetCookieHeader(client.BaseAddress!);
        Assert.Contains("LianDong.Auth=", saved);

        var token = FormLogin.Token(await client.GetStringAsync("/"));
        var signOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ReturnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        var replay = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/settlements");
        request.Headers.Add("Cookie", saved);
        var response = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.RedirectPath());

        // Signing in again works as before.
        await FormLogin.SignInAsync(NewClient(), email, password);
    }
}
