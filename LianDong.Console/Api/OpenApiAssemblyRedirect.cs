using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace LianDong.Console.Api;

/// <summary>
/// Microsoft.AspNetCore.OpenApi 9.0.22 is compiled against Microsoft.OpenApi 1.6.31; the package feed has only
/// 1.6.30 (pinned, docs/decisions/0010). The runtime refuses a lower assembly version than the one asked for, so the
/// console process would crash in AddOpenApi (the test host happened to load it anyway). The two are the same API,
/// so this hands the shipped 1.6.30 to any request for Microsoft.OpenApi 1.6.x — the .NET equivalent of a binding redirect.
/// </summary>
internal static class OpenApiAssemblyRedirect
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "Microsoft.OpenApi" || name.Version is not { Major: 1, Minor: 6 }) return null;
        var loaded = context.Assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.OpenApi");
        if (loaded is not null) return loaded;
        var path = Path.Combine(AppContext.BaseDirectory, "Microsoft.OpenApi.dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
