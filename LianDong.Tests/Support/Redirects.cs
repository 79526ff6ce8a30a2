namespace LianDong.Tests.Support;

public static class Redirects
{
    /// <summary>
    /// The path a redirect points to, whether the Location is absolute or (as the console's sign-in redirects are, so
    /// they never carry a Host header's value) relative to the request.
    /// </summary>
    public static string RedirectPath(this HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException($"{(int)response.StatusCode} has no Location");
        var text = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;
        var cut = text.IndexOfAny(['?', '#']);
        return cut < 0 ? text : text[..cut];
    }
}
