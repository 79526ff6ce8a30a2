using System.Xml.Linq;
using LianDong.Console.Settings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;

namespace LianDong.Console.Hosting;

public static class DataProtectionSetup
{
    public const string KeysFolderName = "keys";

    /// <summary>
    /// Data Protection keys (sign-in cookies, antiforgery tokens, and later the encrypted payout
    /// accounts) live in a <c>keys/</c> folder beside the database file, so they travel and are
    /// backed up with the data they protect, and every console process on one database shares them.
    /// </summary>
    public static IServiceCollection AddLianDongDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("LianDong");
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceProvider>((o, sp) => o.XmlRepository = new KeysBesideDatabase(sp));
        return services;
    }

    public static DirectoryInfo KeysFolder(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? Directory.GetCurrentDirectory();
        return Directory.CreateDirectory(Path.Combine(dir, KeysFolderName));
    }

    /// <summary>
    /// Finds the folder only when keys are first read or written (after StartupTasks has parsed the
    /// settings), because the pipeline resolves Data Protection while it is being built.
    /// </summary>
    private sealed class KeysBesideDatabase(IServiceProvider services) : IXmlRepository
    {
        private readonly Lazy<FileSystemXmlRepository> inner = new(() => new FileSystemXmlRepository(
            KeysFolder(services.GetRequiredService<LianDongSettings>().ConnectionString),
            services.GetRequiredService<ILoggerFactory>()));

        public IReadOnlyCollection<XElement> GetAllElements() => inner.Value.GetAllElements();

        public void StoreElement(XElement element, string friendlyName) => inner.Value.StoreElement(element, friendlyName);
    }
}
