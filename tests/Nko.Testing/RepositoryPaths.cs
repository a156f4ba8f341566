namespace Nko.Testing;

/// <summary>
/// Where the repository (the folder holding <c>Nko.sln</c>) and its neighbours are, seen from a test run: the one
/// place that walks up from the test output, for <c>samples/</c>, <c>models/</c> and <c>../shared</c>.
/// </summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string?> FoundRoot = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test output that holds <c>Nko.sln</c>.</summary>
    /// <exception cref="InvalidOperationException">No such folder (the tests run outside a clone).</exception>
    public static string Root => TryFindRoot() ??
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Nko.sln; run the tests from a clone of the repository.");

    /// <summary>A path inside the repository.</summary>
    public static string Combine(params ReadOnlySpan<string> parts) => Path.Combine([Root, .. parts]);

    /// <summary>A path under the shared data folder <c>../shared</c> beside the repository root.</summary>
    public static string Shared(params ReadOnlySpan<string> parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));

    /// <summary>
    /// The shared models folder: <c>$NKO_SHARED_MODELS</c> when set, else <c>../shared/models</c> beside the repository
    /// root (beside the test output when there is no repository).
    /// </summary>
    public static string SharedModels => FromEnvironment("NKO_SHARED_MODELS") ?? Beside("models");

    /// <summary>
    /// The simulated CTC dataset: <c>$NKO_SHARED_DATA</c> when set, else <c>../shared/data/nko-ctc-sim</c> beside the
    /// repository root (beside the test output when there is no repository).
    /// </summary>
    public static string NkoCtcSim => FromEnvironment("NKO_SHARED_DATA") ?? Beside("data", "nko-ctc-sim");

    /// <summary>The repository root, or null when no folder above the test output holds <c>Nko.sln</c>.</summary>
    public static string? TryFindRoot() => FoundRoot.Value;

    private static string? FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nko.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string? FromEnvironment(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static string Beside(params ReadOnlySpan<string> parts) =>
        Path.GetFullPath(Path.Combine([TryFindRoot() ?? AppContext.BaseDirectory, "..", "shared", .. parts]));
}
