using LianDong.Console.Cli;
using LianDong.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace LianDong.Tests.Cli;

public class MigrateVerbTests
{
    [Fact]
    public async Task Migrate_applies_every_migration_and_exits_0()
    {
        using var db = new TempDatabase();
        var stdout = new StringWriter();
        var code = await CliRunner.RunAsync(["migrate", $"--ConnectionStrings:Default={db.ConnectionString}"], stdout, new StringWriter());
        Assert.Equal(CliRunner.Ok, code);
        Assert.Contains("applied", stdout.ToString());
        await using var ctx = db.NewContext();
        Assert.Empty(await ctx.Database.GetPendingMigrationsAsync());

        var again = new StringWriter();
        Assert.Equal(CliRunner.Ok, await CliRunner.RunAsync(["migrate", $"--ConnectionStrings:Default={db.ConnectionString}"], again, new StringWriter()));
        Assert.Contains("up to date", again.ToString());
    }

    /// <summary>Every model change has its migration (the migrations here are partly written by hand: see development.md).</summary>
    [Fact]
    public void The_migrations_match_the_model()
    {
        using var db = new TempDatabase();
        using var ctx = db.NewContext();
        Assert.False(ctx.Database.HasPendingModelChanges(), "the model has changes that no migration covers: add a migration");
    }

    [Fact]
    public async Task Migrate_with_a_bad_setting_exits_1_naming_it()
    {
        var stderr = new StringWriter();
        var code = await CliRunner.RunAsync(["migrate", "--Jobs:NightlyAt=7pm"], new StringWriter(), stderr);
        Assert.Equal(CliRunner.BadInput, code);
        Assert.Contains("Jobs:NightlyAt \"7pm\"", stderr.ToString());
    }

    [Fact]
    public async Task Migrate_with_an_unknown_option_exits_2_with_usage()
    {
        var stderr = new StringWriter();
        var code = await CliRunner.RunAsync(["migrate", "--frobnicate"], new StringWriter(), stderr);
        Assert.Equal(CliRunner.Usage, code);
        Assert.Contains("usage:", stderr.ToString());
    }

    [Fact]
    public void Usage_lists_migrate()
    {
        var w = new StringWriter();
        CliRunner.PrintUsage(w);
        Assert.Contains("migrate", w.ToString());
    }
}

public class MigrateProcessTests
{
    [Fact]
    public async Task The_executable_runs_migrate_with_the_connection_string_from_the_environment()
    {
        using var db = new TempDatabase();
        var result = await ConsoleProcess.RunAsync(db.Folder,
            new Dictionary<string, string> { ["ConnectionStrings__Default"] = "Data Source=sub/console.db" }, "migrate");
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.True(File.Exists(Path.Combine(db.Folder, "sub", "console.db")), "the relative path is taken from the working directory");
    }
}
