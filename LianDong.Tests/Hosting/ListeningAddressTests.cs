using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using LianDong.Console.Hosting;
using LianDong.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Hosting;

/// <summary>Every usual ASP.NET Core way to give the address works; 127.0.0.1:5000 only when none is given.</summary>
public partial class ListeningAddressTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts the built console with these arguments and environment and returns the address it says it listens on, after a GET there answered.</summary>
    private static async Task<Uri> ListeningAddressAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        using var db = new TempDatabase();
        var env = new Dictionary<string, string>(environment ?? new())
        {
            ["ConnectionStrings__Default"] = db.ConnectionString,
            ["Jobs__Enabled"] = "false",
            ["Demo__SeedOnFirstRun"] = "false",
            ["LIANDONG_ADMIN_EMAIL"] = TestSecrets.NewEmail("admin"),
            ["LIANDONG_ADMIN_PASSWORD"] = TestSecrets.NewPassword(),
        };
        var output = new StringBuilder();
        using var process = ConsoleProcess.Start(db.Folder, env, output, args);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            Match m;
            while (!(m = Listening().Match(Read(output))).Success)
            {
                Assert.False(process.HasExited, "the console exited: " + Read(output));
                Assert.True(DateTime.UtcNow < deadline, "the console did not listen: " + Read(output));
                await Task.Delay(100);
            }
            var address = new Uri(m.Groups[1].Value);
            using var http = new HttpClient { BaseAddress = address };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/account/login")).StatusCode);
            return address;
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    private static string Read(StringBuilder b) { lock (b) return b.ToString(); }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex Listening();

    [Fact]
    public async Task Urls_on_the_command_line_with_a_space_or_an_equals_sign()
    {
        var port = FreePort();
        Assert.Equal(port, (await ListeningAddressAsync(["--urls", $"http://127.0.0.1:{port}"])).Port);
        port = FreePort();
        Assert.Equal(port, (await ListeningAddressAsync([$"--Urls=http://127.0.0.1:{port}"])).Port);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("DOTNET_URLS")]
    [InlineData("Urls")]
    public async Task Urls_from_the_environment(string variable)
    {
        var port = FreePort();
        Assert.Equal(port, (await ListeningAddressAsync([], new() { [variable] = $"http://127.0.0.1:{port}" })).Port);
    }

    [Fact]
    public async Task Kestrel_endpoints_from_configuration()
    {
        var port = FreePort();
        Assert.Equal(port, (await ListeningAddressAsync([], new() { ["Kestrel__Endpoints__Web__Url"] = $"http://127.0.0.1:{port}" })).Port);
    }

    [Fact]
    public async Task Without_any_address_the_default_is_127_0_0_1_port_5000_and_a_given_one_replaces_it()
    {
        using var db = new TempDatabase();
        await using (var app = WebConsole.Build([$"--ConnectionStrings:Default={db.ConnectionString}"]))
            Assert.Equal("http://127.0.0.1:5000", app.Configuration["urls"]);
        await using (var app = WebConsole.Build(["--Kestrel:Endpoints:Web:Url=http://127.0.0.1:0", $"--ConnectionStrings:Default={db.ConnectionString}"]))
            Assert.Null(app.Configuration["urls"]); // no "Overriding address(es)" warning, no default mixed in
        Assert.Equal(["http://127.0.0.1:5000"], ListenAddresses.Configured(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()));
    }

    [Fact]
    public async Task The_host_builder_listens_where_urls_says()
    {
        using var db = new TempDatabase();
        var port = FreePort();
        await using var app = WebConsole.Build([$"--urls=http://127.0.0.1:{port}", $"--ConnectionStrings:Default={db.ConnectionString}",
            "--Jobs:Enabled=false", "--Demo:SeedOnFirstRun=false"]);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Assert.Equal($"http://127.0.0.1:{port}", Assert.Single(addresses));
        await app.StopAsync();
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_taken_port_stops_the_start_at_once_naming_the_address_before_any_database_is_made()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var folder = Directory.CreateTempSubdirectory("liandong-taken-").FullName;
        try
        {
            var started = DateTime.UtcNow;
            var result = await ConsoleProcess.RunAsync(folder, new Dictionary<string, string>(), $"--urls=http://127.0.0.1:{port}");
            Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.StdOut}{result.StdErr}");
            Assert.Contains($"Cannot listen on http://127.0.0.1:{port}: the address is already in use", result.StdErr);
            Assert.DoesNotContain("   at ", result.StdErr); // a message, not a stack trace
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
            Assert.False(File.Exists(Path.Combine(folder, "data", "liandong.db")), "the database was made before the port was checked");
            Assert.DoesNotContain("generated password", result.StdOut + result.StdErr);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
