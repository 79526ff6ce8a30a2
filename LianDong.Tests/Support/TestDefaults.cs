using System.Runtime.CompilerServices;
using Bunit;

namespace LianDong.Tests.Support;

internal static class TestDefaults
{
    /// <summary>
    /// bUnit waits one second by default for a render; the CI machine's two cores run the browser tests beside the
    /// component tests, and a dialog opening under that load took longer. Waits end as soon as their condition holds.
    /// </summary>
    [ModuleInitializer]
    internal static void Set() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
