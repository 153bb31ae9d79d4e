namespace Fleet.Tests;

/// <summary>Where the repository is, for tests that read its shipped files (playbooks, sources).</summary>
internal static class Repository
{
    /// <summary>The directory holding Fleet.sln, above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Fleet.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
        }

        return dir;
    }
}
