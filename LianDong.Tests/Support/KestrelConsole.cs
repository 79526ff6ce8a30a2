using LianDong.Console.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LianDong.Tests.Support;

/// <summary>
/// The console on a real Kestrel port (127.0.0.1:0), as a browser needs, built through the same
/// WebConsole.Build as Program.cs, with its own SQLite file and a first admin made per run.
/// </summary>
public sealed class KestrelConsole : IAsyncDisposable
{
    public TempDatabase Database { get; } = new();
    public string AdminEmail { get; } = TestSecrets.NewEmail("admin");
    public string AdminPassword { get; } = TestSecrets.NewPassword();
    public WebApplication App { get; private set; } = default!;
    public Uri BaseAddress { get; private set; } = default!;

    public static async Task<KestrelConsole> StartAsync()
    {
        var console = new KestrelConsole();
        console.App = WebConsole.Build(
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--ConnectionStrings:Default={console.Database.ConnectionString}",
            $"--{FirstAdminSeeder.EmailKey}={console.AdminEmail}",
            $"--{FirstAdminSeeder.PasswordKey}={console.AdminPassword}",
            "--Jobs:Enabled=false",
            "--Demo:SeedOnFirstRun=false",
        ]);
        await console.App.StartAsync();
        var address = console.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        console.BaseAddress = new Uri(address);
        return console;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Database.Dispose();
    }
}
