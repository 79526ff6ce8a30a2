namespace LianDong.Tests.Support;

/// <summary>
/// Finds the shared spec folder: the repository is checked out at &lt;x&gt;/main (or a worktree beside it) with
/// &lt;x&gt;/shared next to it. Walks up from the test binaries; fails loudly when it is not there.
/// </summary>
public static class SpecFiles
{
    public static string SpecDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "spec");
                if (Directory.Exists(candidate)) return candidate;
            }
            Assert.Fail($"shared/spec not found in any folder above {AppContext.BaseDirectory}; check out the repository beside ../shared");
            throw new InvalidOperationException("unreachable");
        }
    }

    public static string Example(string name) => Path.Combine(SpecDirectory, "examples", name);
}
