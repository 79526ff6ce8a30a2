using System.Globalization;
using Bunit;
using LianDong.Console.Localization;
using LianDong.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LianDong.Tests.Support;

/// <summary>
/// A bUnit context for the console's MudBlazor components: MudBlazor's services (with the console's Chinese texts for
/// them), localization, loose JS interop, and the language the test names (Chinese unless told). MudBlazor's services
/// are only IAsyncDisposable, so the context is disposed through IAsyncLifetime.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    private TempDatabase? database;

    protected MudTestContext(string culture = UiCulture.Chinese)
    {
        UseCulture(culture);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddTransient<MudBlazor.MudLocalizer, MudText>();
        Services.AddLocalization();
    }

    /// <summary>Sets the language of what renders next (the test's flow only).</summary>
    protected static void UseCulture(string culture) =>
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);

    /// <summary>A real, migrated SQLite database behind the services that need one (created on first use).</summary>
    protected TempDatabase Database
    {
        get
        {
            if (database is not null) return database;
            database = new TempDatabase();
            using (var db = database.NewContext()) db.Database.Migrate();
            Services.AddLianDongPersistence(_ => database.ConnectionString);
            return database;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        database?.Dispose();
    }
}
