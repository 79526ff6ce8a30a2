using LianDong.Console.Cli;
using LianDong.Console.Hosting;
using LianDong.Console.Settings;

if (CliRunner.IsVerbInvocation(args))
    return await CliRunner.RunAsync(args, Console.Out, Console.Error);

var app = WebConsole.Build(args);
try
{
    await app.RunAsync();
}
catch (InvalidSettingsException e)
{
    Console.Error.WriteLine(e.Message);
    return CliRunner.BadInput;
}
return CliRunner.Ok;

public partial class Program;
