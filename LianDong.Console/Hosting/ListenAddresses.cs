using System.Net;
using System.Net.Sockets;
using LianDong.Console.Settings;

namespace LianDong.Console.Hosting;

/// <summary>Listening on another address than the others asked for, or on one that is taken, stops start-up with this.</summary>
public sealed class ListenAddressInUseException(string address)
    : Exception($"Cannot listen on {address}: the address is already in use (another process listens there). " +
                "Stop that process or give another address (--urls, ASPNETCORE_URLS, Urls or Kestrel:Endpoints).")
{
    public string Address { get; } = address;
}

/// <summary>
/// Where the web console listens. Every usual ASP.NET Core way counts (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
/// <c>DOTNET_URLS</c>, <c>Urls</c> in appsettings or the environment, <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c>,
/// <c>Kestrel:Endpoints</c>); <see cref="SettingsDefaults.Urls"/> applies only when none is given. The default used to
/// be a configuration value in appsettings.json, which outranks ASPNETCORE_URLS and DOTNET_URLS and so hid them.
/// </summary>
public static class ListenAddresses
{
    public static bool AnyGiven(IConfiguration config) =>
        !string.IsNullOrWhiteSpace(config["urls"]) || !string.IsNullOrWhiteSpace(config["http_ports"])
        || !string.IsNullOrWhiteSpace(config["https_ports"]) || config.GetSection("Kestrel:Endpoints").GetChildren().Any();

    /// <summary>The addresses Kestrel will bind, as it picks them: endpoints first, then urls, then ports.</summary>
    public static IReadOnlyList<string> Configured(IConfiguration config)
    {
        var endpoints = config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0) return endpoints;
        if (config["urls"] is { Length: > 0 } urls) return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = new List<string>();
        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
            if (config[key] is { Length: > 0 } list)
                ports.AddRange(list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}"));
        return ports.Count > 0 ? ports : [SettingsDefaults.Urls];
    }

    /// <summary>
    /// Binds and releases each address's port, so a taken one stops start-up before migrations and demo seeding
    /// touch anything (Kestrel itself binds only after them). Port 0, unix sockets and names other than localhost are
    /// left to Kestrel.
    /// </summary>
    public static void EnsureFree(IEnumerable<string> addresses)
    {
        foreach (var address in addresses)
        {
            if (!TryEndPoint(address, out var endPoint)) continue;
            using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(endPoint);
                socket.Listen();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new ListenAddressInUseException(address);
            }
            catch (SocketException)
            {
                // Another refusal (no such local address, a privileged port): Kestrel reports it in its own words.
            }
        }
    }

    private static bool TryEndPoint(string address, out IPEndPoint endPoint)
    {
        endPoint = default!;
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return false;
        var rest = address[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        var colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']')) return false; // no port given: Kestrel's default, not ours to guess
        if (!int.TryParse(rest[(colon + 1)..], out var port) || port is <= 0 or > 65535) return false;
        var host = rest[..colon].Trim('[', ']');
        IPAddress? ip = host switch
        {
            "*" or "+" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (ip is null) return false;
        endPoint = new IPEndPoint(ip, port);
        return true;
    }
}
