using System.Net;
using LianDong.Console.Jobs;
using LianDong.Domain.Identity;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LianDong.Tests.Jobs;

/// <summary>The Hangfire dashboard at /jobs/hangfire, over real HTTP: a PlatformAdmin's only, linked from the Jobs page.</summary>
public class HangfireDashboardTests : IDisposable
{
    // Jobs:Enabled=false, as in every test host: the dashboard is mapped all the same.
    private readonly ConsoleFactory factory = new();

    public void Dispose() => factory.Dispose();

    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpClient> SignedInAsync(string? role)
    {
        var client = NewClient();
        if (role is null)
            await FormLogin.SignInAsync(client, factory.AdminEmail, factory.AdminPassword);
        else
        {
            var email = TestSecrets.NewEmail(role.ToLowerInvariant());
            await FormLogin.SignInAsync(client, email, await factory.CreateUserAsync(email, role));
        }
        return client;
    }

    [Theory]
    [InlineData(JobsSetup.DashboardPath)]
    [InlineData(JobsSetup.DashboardPath + "/recurring")]
    [InlineData(JobsSetup.DashboardPath + "/stats")]
    public async Task Anonymous_gets_401_not_a_redirect_to_sign_in(string path)
    {
        var response = await NewClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData(AppRoles.Finance)]
    [InlineData(AppRoles.Merchant)]
    public async Task A_signed_in_user_who_is_not_a_PlatformAdmin_gets_403(string role)
    {
        var client = await SignedInAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(JobsSetup.DashboardPath)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(JobsSetup.DashboardPath + "/recurring")).StatusCode);
        // And its actions: nothing can be triggered.
        var trigger = await client.PostAsync(JobsSetup.DashboardPath + "/recurring/trigger",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = NightlyScheduler.RecurringJobId }));
        Assert.Equal(HttpStatusCode.Forbidden, trigger.StatusCode);
    }

    [Fact]
    public async Task A_PlatformAdmin_gets_the_dashboard_and_its_actions_need_the_antiforgery_token()
    {
        var client = await SignedInAsync(null);
        var page = await client.GetAsync(JobsSetup.DashboardPath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Hangfire", html);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(JobsSetup.DashboardPath + "/recurring")).StatusCode);

        // A cross-site form post (no token) is refused; Hangfire checks it with the console's antiforgery service.
        var forged = await client.PostAsync(JobsSetup.DashboardPath + "/recurring/trigger",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = NightlyScheduler.RecurringJobId }));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }

    [Fact]
    public async Task The_Jobs_page_links_the_dashboard()
    {
        var client = await SignedInAsync(null);
        var html = await client.GetStringAsync("/jobs");
        Assert.Contains($"href=\"{JobsSetup.DashboardPath}\"", html);
        Assert.Contains("data-testid=\"schedule\"", html); // the run rows' page is still ours
    }
}
