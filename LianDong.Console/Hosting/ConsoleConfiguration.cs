namespace LianDong.Console.Hosting;

/// <summary>Configuration for CLI verbs, read exactly as the web console reads it (defaults, appsettings, environment, command line).</summary>
public static class ConsoleConfiguration
{
    public static IConfiguration Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // As the web host does: ASPNETCORE_ENVIRONMENT picks appsettings.{Environment}.json too.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        WebConsole.AddDefaults(builder.Configuration);
        return builder.Configuration;
    }
}
