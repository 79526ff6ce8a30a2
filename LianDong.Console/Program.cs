using LianDong.Console.Cli;

if (CliRunner.IsVerbInvocation(args))
    return await CliRunner.RunAsync(args, Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "LianDong");
await app.RunAsync();
return 0;

public partial class Program;
