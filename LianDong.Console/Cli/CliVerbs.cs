namespace LianDong.Console.Cli;

/// <summary>The verbs the console executable takes. Each later issue adds its verb here.</summary>
public static class CliVerbs
{
    public static readonly IReadOnlyList<ICliVerb> All =
        [new MigrateVerb(), new ReplayVerb(), new NightlyVerb(), new SeedDemoVerb(), new ApiKeyVerb(), new BenchVerb(), new BackupVerb()];
}
