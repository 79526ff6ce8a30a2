using System.Net;
using System.Text.RegularExpressions;

namespace LianDong.Tests.Support;

/// <summary>Signs in through the real static-SSR login form (antiforgery token included), as a browser would.</summary>
public static partial class FormLogin
{
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var form = new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = Token(page),
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        };
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(form));
    }

    public static async Task SignInAsync(HttpClient client, string email, string password)
    {
        var response = await PostLoginAsync(client, email, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"sign-in of {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static string Token(string html)
    {
        var m = TokenInput().Match(html);
        Assert.True(m.Success, "no antiforgery token on the page");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
