using System.Net;
using LianDong.Console.Navigation;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LianDong.Tests.Api;

/// <summary>One console host with a user per role, shared by the access tests.</summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public ConsoleFactory Factory { get; } = new();
    public Dictionary<string, (string Email, string Password)> Users { get; } = [];

    public async Task InitializeAsync()
    {
        Factory.CreateClient().Dispose(); // starts the host: migrations, roles, first admin
        Users[AppRoles.PlatformAdmin] = (Factory.AdminEmail, Factory.AdminPassword);
        foreach (var role in new[] { AppRoles.Merchant, AppRoles.Finance })
        {
            var email = TestSecrets.NewEmail(role.ToLowerInvariant());
            Users[role] = (email, await Factory.CreateUserAsync(email, role));
        }
    }

    public HttpClient NewClient() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task<HttpClient> SignedInAsync(string role)
    {
        var client = NewClient();
        await FormLogin.SignInAsync(client, Users[role].Email, Users[role].Password);
        return client;
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }
}

public class AccessTests(AccessFixture fx) : IClassFixture<AccessFixture>
{
    public static TheoryData<string> Pages() => new(NavCatalog.Entries.Select(e => e.Path).Append("/not-found"));

    public static TheoryData<string, string> RolesAndPages()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in AppRoles.All)
            foreach (var e in NavCatalog.Entries)
                data.Add(role, e.Path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Anonymous_request_to_a_page_redirects_to_login(string path)
    {
        var response = await fx.NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.RedirectPath());
    }

    [Theory]
    [MemberData(nameof(RolesAndPages))]
    public async Task Each_role_reaches_its_pages_and_is_refused_the_others(string role, string path)
    {
        var client = await fx.SignedInAsync(role);
        var response = await client.GetAsync(path);
        var entry = NavCatalog.For(path);
        if (entry.RoleList.Contains(role))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The page's HTML encodes Chinese as character references.
            Assert.Contains(entry.TitleIn(LianDong.Console.Localization.UiCulture.Chinese), WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account/access-denied", response.RedirectPath());
        }
    }

    [Fact]
    public async Task Unknown_page_shows_not_found_to_a_signed_in_user()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var response = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_error_status_page_names_other_statuses()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var html = await client.GetStringAsync("/not-found?status=500");
        Assert.Contains("Request failed", html);
        Assert.Contains("500", html);
    }

    [Theory]
    [InlineData("/app.css", "text/css")]
    [InlineData("/favicon.svg", "image/svg+xml")]
    [InlineData("/_content/Radzen.Blazor/css/material-base.css", "text/css")]
    [InlineData("/_content/Radzen.Blazor/Radzen.Blazor.js", "javascript")]
    [InlineData("/_framework/blazor.web.js", "javascript")]
    public async Task Static_assets_load_without_signing_in(string path, string contentType)
    {
        var response = await fx.NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(contentType, response.Content.Headers.ContentType!.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
    }

    [Fact]
    public async Task Login_page_links_the_styles_and_scripts()
    {
        var html = await fx.NewClient().GetStringAsync("/account/login");
        Assert.Contains("_content/Radzen.Blazor/css/material-base.css", html);
        Assert.Contains("app.css", html);
        Assert.Contains("_framework/blazor.web.js", html);
    }

    [Fact]
    public async Task Wrong_password_is_refused_with_a_message()
    {
        var client = fx.NewClient();
        var response = await FormLogin.PostLoginAsync(client, fx.Users[AppRoles.Finance].Email, TestSecrets.NewPassword());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Login_without_antiforgery_token_is_rejected()
    {
        var form = new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.Email"] = fx.Users[AppRoles.Finance].Email,
            ["Input.Password"] = fx.Users[AppRoles.Finance].Password,
        };
        var response = await fx.NewClient().PostAsync("/account/login", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Sign_out_needs_the_antiforgery_token_and_ends_the_session()
    {
        var client = await fx.SignedInAsync(AppRoles.Finance);
        var withoutToken = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["ReturnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var token = FormLogin.Token(await client.GetStringAsync("/"));
        var signOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ReturnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/account/login", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task There_is_no_self_registration()
    {
        var client = fx.NewClient();
        foreach (var path in new[] { "/account/register", "/register", "/Identity/Account/Register" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.RedirectPath());
        }
        Assert.DoesNotContain("register", (await client.GetStringAsync("/account/login")).ToLowerInvariant());
    }
}
