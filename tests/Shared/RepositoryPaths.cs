namespace Nko.Testing;

/// <summary>Where the repository (the folder holding <c>Nko.sln</c>) and its neighbours are, seen from a test run.</summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test output that holds <c>Nko.sln</c>.</summary>
    public static string Root => field ??= FindRoot();

    /// <summary>A path inside the repository.</summary>
    public static string Combine(params ReadOnlySpan<string> parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nko.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Nko.sln; run the tests from a clone of the repository.");
    }
}
