using System.Net;
using LianDong.Console.Hosting;
using LianDong.Console.Security;
using LianDong.Tests.Api;
using Microsoft.Extensions.Logging;

namespace LianDong.Tests.Security;

public class SecurityHeadersTests(AccessFixture fx) : IClassFixture<AccessFixture>
{
    [Theory]
    [InlineData("/account/login", HttpStatusCode.OK)]
    [InlineData("/", HttpStatusCode.Redirect)]
    [InlineData("/app.css", HttpStatusCode.OK)]
    [InlineData("/api/v1/members/1", HttpStatusCode.Unauthorized)]
    [InlineData("/no-such-page", HttpStatusCode.Redirect)]
    public async Task Every_kind_of_answer_carries_the_security_headers(string path, HttpStatusCode expected)
    {
        using var client = fx.NewClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Cookies_are_http_only_and_same_site()
    {
        using var client = fx.NewClient();
        using var login = await client.GetAsync("/account/login");
        var antiforgery = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("httponly", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", antiforgery, StringComparison.OrdinalIgnoreCase);

        using var signedIn = fx.NewClient();
        var (email, password) = fx.Users[LianDong.Domain.Identity.AppRoles.Finance];
        using var response = await Support.FormLogin.PostLoginAsync(signedIn, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var auth = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("LianDong.Auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", auth, StringComparison.OrdinalIgnoreCase);
    }
}

public class PhoneMaskTests
{
    [Theory]
    [InlineData("member 13812345678 joined", "member 138****5678 joined")]
    [InlineData("+8613912345678", "+86139****5678")]
    [InlineData("phone=15000000001;", "phone=150****0001;")]
    [InlineData("order 2138123456789 of 12345678901", "order 2138123456789 of 12345678901")]
    [InlineData("amount 11012345678", "amount 11012345678")]
    [InlineData("", "")]
    public void Mobile_numbers_are_masked_and_other_digits_kept(string text, string expected) =>
        Assert.Equal(expected, PhoneMask.Mask(text));

    [Fact]
    public void The_console_log_format_masks_message_and_exception()
    {
        var line = PhoneMaskingConsoleFormatter.Format(LogLevel.Error, "Api", 7, "request for 13812345678 failed",
            new InvalidOperationException("referrer 13987654321 unknown"));
        Assert.DoesNotContain("13812345678", line);
        Assert.DoesNotContain("13987654321", line);
        Assert.Contains("138****5678", line);
        Assert.Contains("139****4321", line);
        Assert.StartsWith("fail: Api[7]", line);
    }
}
