namespace LianDong.Tests.Reliability;

/// <summary>
/// The kill -9 tests each drive real console processes for most of a minute; in one collection they run one after the
/// other (beside the rest of the suite) instead of competing with each other for a loaded machine's cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CrashTestsCollection
{
    public const string Name = "crash safety (real processes)";
}
