using LianDong.Console.Api;
using LianDong.Console.Hosting;
using LianDong.Console.Settings;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Console.Cli;

/// <summary>
/// <c>api-key create --name NAME [--merchant CODE] [--Key=Value ...]</c>: creates a storefront API key and prints it
/// once on stdout (alone on its line, for scripts); what it is goes to stderr. Revocation is on the API keys page.
/// </summary>
public sealed class ApiKeyVerb : ICliVerb
{
    public const string Actor = "cli:api-key";
    public string Name => "api-key";
    public string Usage => "api-key create --name NAME [--merchant CODE]  create a storefront API key and print it once";

    public async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] != "create")
            return UsageError(stderr, args.Length == 0 ? "api-key: missing sub-command \"create\"" : $"api-key: unknown sub-command \"{args[0]}\"");

        string? name = null, merchant = null;
        var settingsArgs = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--name" when name is not null: return UsageError(stderr, "api-key create: --name is given more than once");
                case "--merchant" when merchant is not null: return UsageError(stderr, "api-key create: --merchant is given more than once");
                case "--name" or "--merchant" when i + 1 < args.Length && args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    return UsageError(stderr, $"api-key create: {args[i]} needs a value, not the option \"{args[i + 1]}\"");
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--merchant" when i + 1 < args.Length: merchant = args[++i]; break;
                case var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='): settingsArgs.Add(a); break;
                default: return UsageError(stderr, $"api-key create: unexpected argument \"{args[i]}\"");
            }
        }
        if (name is null) return UsageError(stderr, "api-key create: --name is required");
        // An empty --merchant (say, an unset shell variable) must not quietly make a platform key.
        if (merchant is not null && string.IsNullOrWhiteSpace(merchant))
            return UsageError(stderr, "api-key create: --merchant is empty; leave it out for a platform key");

        LianDongSettings settings;
        try
        {
            settings = SettingsLoader.Load(ConsoleConfiguration.Build([.. settingsArgs]));
        }
        catch (InvalidSettingsException e)
        {
            stderr.WriteLine(e.Message);
            return CliRunner.BadInput;
        }

        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddLianDongPersistence(settings.ConnectionString).AddSingleton<ApiKeyStore>();
        await using var sp = services.BuildServiceProvider();
        await using (var db = await sp.GetRequiredService<IDbContextFactory<LianDongDbContext>>().CreateDbContextAsync())
            await db.Database.MigrateAsync();
        try
        {
            var (key, secret) = await sp.GetRequiredService<ApiKeyStore>().CreateAsync(name, merchant, Actor);
            stdout.WriteLine(secret);
            stderr.WriteLine($"created API key #{key.Id} \"{key.Name}\" ({(key.MerchantCode is null ? "platform" : "merchant " + key.MerchantCode)}); it is not shown again");
            return CliRunner.Ok;
        }
        catch (ApiKeyInputException e)
        {
            stderr.WriteLine($"api-key create: --{e.Field}: {e.Message}");
            return CliRunner.BadInput;
        }
    }

    private static int UsageError(TextWriter stderr, string message)
    {
        stderr.WriteLine(message);
        CliRunner.PrintUsage(stderr);
        return CliRunner.Usage;
    }
}
