using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace LianDong.Console.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy (nginx, a load balancer) the console sees plain HTTP. With
/// <c>ForwardedHeaders:Enabled=true</c> it takes the client address and scheme from <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>, but only from the proxies listed in <c>ForwardedHeaders:KnownProxies</c> (addresses, or
/// networks as <c>10.0.0.0/8</c>); then an HTTPS request is HTTPS to the app: cookies are <c>Secure</c> (their policy
/// is SameAsRequest) and HSTS is sent. <c>X-Forwarded-Host</c> is not taken: the Host header is what AllowedHosts checks.
/// </summary>
public static class ProxySupport
{
    public const string EnabledSetting = "ForwardedHeaders:Enabled";
    public const string KnownProxiesSetting = "ForwardedHeaders:KnownProxies";

    public static bool Enabled(IConfiguration config) => bool.TryParse(config[EnabledSetting], out var on) && on;

    /// <summary>Null when every entry parses; otherwise the first that does not.</summary>
    public static string? BadProxy(string? list) =>
        Split(list).FirstOrDefault(p => !IPAddress.TryParse(p, out _) && !System.Net.IPNetwork.TryParse(p, out _));

    private static string[] Split(string? list) =>
        (list ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static IServiceCollection AddProxySupport(this IServiceCollection services) =>
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((o, config) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var p in Split(config[KnownProxiesSetting]))
            {
                if (IPAddress.TryParse(p, out var ip)) o.KnownProxies.Add(ip);
                else if (System.Net.IPNetwork.TryParse(p, out var net)) o.KnownIPNetworks.Add(net);
            }
        }).Services;

    /// <summary>Forwarded headers (when enabled) first of all, so everything after sees the client's scheme; HSTS outside Development.</summary>
    public static void UseProxySupport(this WebApplication app)
    {
        if (Enabled(app.Configuration)) app.UseForwardedHeaders();
        // Sent on HTTPS requests only (and not for localhost), so a plain-HTTP console on 127.0.0.1 is unaffected.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
    }
}
