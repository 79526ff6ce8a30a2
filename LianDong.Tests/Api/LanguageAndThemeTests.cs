using System.Net;
using LianDong.Domain.Identity;
using LianDong.Domain.Persistence;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Api;

/// <summary>Chinese by default, English on the user menu's switch, kept on the user's account for every browser.</summary>
public class LanguageAndThemeTests(AccessFixture fx) : IClassFixture<AccessFixture>
{
    private async Task<(HttpClient Client, string Email, string Password)> NewFinanceUserAsync()
    {
        var email = TestSecrets.NewEmail("lang");
        var password = await fx.Factory.CreateUserAsync(email, AppRoles.Finance);
        var client = fx.NewClient();
        await FormLogin.SignInAsync(client, email, password);
        return (client, email, password);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> form, bool withToken = true)
    {
        if (withToken) form["__RequestVerificationToken"] = FormLogin.Token(await client.GetStringAsync("/"));
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    private async Task<AppUser> UserAsync(string email)
    {
        using var scope = fx.Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<LianDongDbContext>().Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    [Fact]
    public async Task Pages_are_Chinese_until_the_user_switches_to_English_which_every_later_sign_in_keeps()
    {
        var (client, email, password) = await NewFinanceUserAsync();
        var before = WebUtility.HtmlDecode(await client.GetStringAsync("/audit"));
        Assert.Contains("<html lang=\"zh-CN\">", before);
        Assert.Contains("审计日志", before);

        var switched = await PostAsync(client, "/account/language", new() { ["culture"] = "en-US", ["returnUrl"] = "/audit?who=x" });
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/audit?who=x", switched.Headers.Location!.OriginalString);
        var after = WebUtility.HtmlDecode(await client.GetStringAsync("/audit"));
        Assert.Contains("<html lang=\"en-US\">", after);
        Assert.Contains("Audit log", after);
        Assert.DoesNotContain("审计日志", after);
        Assert.Equal("en-US", (await UserAsync(email)).Culture);

        // Another browser: the sign-in sets the language the user chose.
        var other = fx.NewClient();
        await FormLogin.SignInAsync(other, email, password);
        Assert.Contains("<html lang=\"en-US\">", await other.GetStringAsync("/audit"));
    }

    [Fact]
    public async Task An_unknown_language_or_a_missing_token_is_refused_and_changes_nothing()
    {
        var (client, email, _) = await NewFinanceUserAsync();
        var unknown = await PostAsync(client, "/account/language", new() { ["culture"] = "fr-FR", ["returnUrl"] = "/" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var noToken = await PostAsync(client, "/account/language", new() { ["culture"] = "en-US" }, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Null((await UserAsync(email)).Culture);
        Assert.Contains("<html lang=\"zh-CN\">", await client.GetStringAsync("/audit"));
    }

    [Fact]
    public async Task The_sign_in_page_can_switch_language_before_signing_in()
    {
        var client = fx.NewClient();
        var page = await client.GetStringAsync("/account/login");
        var switched = await client.PostAsync("/account/language", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["culture"] = "en-US", ["returnUrl"] = "/account/login", ["__RequestVerificationToken"] = FormLogin.Token(page),
        }));
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        var english = WebUtility.HtmlDecode(await client.GetStringAsync("/account/login"));
        Assert.Contains("Console sign in", english);
        Assert.DoesNotContain("控制台登录", english);
    }

    [Fact]
    public async Task The_theme_choice_is_kept_on_the_account_and_unknown_themes_are_refused()
    {
        var (client, email, _) = await NewFinanceUserAsync();
        Assert.Null((await UserAsync(email)).Theme);
        var dark = await PostAsync(client, "/account/theme", new() { ["theme"] = "dark", ["returnUrl"] = "/audit" });
        Assert.Equal(HttpStatusCode.Redirect, dark.StatusCode);
        Assert.Equal("dark", (await UserAsync(email)).Theme);
        Assert.Contains("aria-pressed=\"true\">深色", WebUtility.HtmlDecode(await client.GetStringAsync("/audit")));

        foreach (var bad in new[] { "purple", "7", "" })
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, "/account/theme", new() { ["theme"] = bad })).StatusCode);
        Assert.Equal("dark", (await UserAsync(email)).Theme);
    }
}
