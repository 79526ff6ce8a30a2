using LianDong.Console.Cli;
using LianDong.Console.Hosting;
using LianDong.Console.Settings;

// Verbs, help and malformed options are answered without starting a host (no database, no data folder).
if (!CliRunner.IsWebConsoleInvocation(args))
    return await CliRunner.RunAsync(args, Console.Out, Console.Error);

try
{
    var app = WebConsole.Build(args);
    // Engine start-up work (issue 3/4) hooks in through hosted services registered in WebConsole.Build,
    // not here: the test hosts run this file only up to Build().
    await app.RunAsync();
}
catch (InvalidSettingsException e)
{
    Console.Error.WriteLine(e.Message);
    return CliRunner.BadInput;
}
catch (Exception e) when (e is ListenAddressInUseException
                          || e is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException })
{
    // A port taken by another process: one line naming the address, not a stack trace.
    Console.Error.WriteLine(e.Message);
    return CliRunner.BadInput;
}
return CliRunner.Ok;

public partial class Program;
