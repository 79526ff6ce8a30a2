namespace LianDong.Console.Hosting;

/// <summary>
/// The console's static files live in <c>wwwroot-assets/</c> at the repository root. The console
/// project links them into its build output (and every project that references it gets a copy),
/// so the web root is always <c>&lt;app base directory&gt;/wwwroot-assets</c>: the same for
/// <c>dotnet run</c>, the test hosts and a published folder, whatever the working directory.
/// </summary>
public static class WebRoot
{
    public const string FolderName = "wwwroot-assets";

    public static string Resolve() => Path.Combine(AppContext.BaseDirectory, FolderName);

    /// <summary>
    /// In a published folder the SDK copies MudBlazor's <c>_content/</c> files into <c>wwwroot/</c> (there is
    /// no static web assets manifest there), so that folder is served too when it exists.
    /// </summary>
    public static void AddPublishedAssets(IWebHostEnvironment environment)
    {
        var published = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(published))
            environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.CompositeFileProvider(
                environment.WebRootFileProvider, new Microsoft.Extensions.FileProviders.PhysicalFileProvider(published));
    }
}
