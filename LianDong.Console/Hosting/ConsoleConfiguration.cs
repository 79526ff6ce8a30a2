namespace LianDong.Console.Hosting;

/// <summary>Configuration for CLI verbs, read exactly as the web console reads it (defaults, appsettings, environment, command line).</summary>
public static class ConsoleConfiguration
{
    public static IConfiguration Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args });
        WebConsole.AddDefaults(builder.Configuration);
        return builder.Configuration;
    }
}
