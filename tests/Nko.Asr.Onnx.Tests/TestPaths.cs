using Nko.Testing;

namespace Nko.Asr.Onnx.Tests;

/// <summary>Where the test fixtures are: copied ones beside the test assembly, large ones in ../shared/models.</summary>
internal static class TestPaths
{
    /// <summary>A fixture copied into the test output (tests/Nko.Asr.Onnx.Tests/Fixtures).</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>
    /// A file under the shared models folder: <c>$NKO_SHARED_MODELS</c> when set, else <c>../shared/models</c> beside the
    /// repository root (the folder holding Nko.sln).
    /// </summary>
    public static string SharedModel(string relativePath) => Path.Combine(SharedModels, relativePath);

    public static string SharedModels { get; } = RepositoryPaths.SharedModels;

    /// <summary>A file of the Whisper front-end fixtures (<c>../shared/data/whisper-frontend</c>, beside the models folder).</summary>
    public static string WhisperFrontend(string relativePath) =>
        Path.GetFullPath(Path.Combine(SharedModels, "..", "data", "whisper-frontend", relativePath));
}

/// <summary>A fact that is skipped, with the reason, when a file of ../shared/models is absent.</summary>
internal sealed class SharedModelFactAttribute : FactAttribute
{
    public SharedModelFactAttribute(params string[] relativePaths)
    {
        foreach (string relative in relativePaths)
        {
            string path = TestPaths.SharedModel(relative);
            if (!File.Exists(path))
            {
                Skip = $"Needs {path} (the large test model and its fixtures from the shared models folder, not copied into the repository); set NKO_SHARED_MODELS to its folder to run.";
                return;
            }
        }
    }
}

/// <summary>A theory that is skipped, with the reason, when a file of ../shared/models is absent.</summary>
internal sealed class SharedModelTheoryAttribute : TheoryAttribute
{
    public SharedModelTheoryAttribute(params string[] relativePaths)
    {
        foreach (string relative in relativePaths)
        {
            string path = TestPaths.SharedModel(relative);
            if (!File.Exists(path))
            {
                Skip = $"Needs {path} (the shared models folder); set NKO_SHARED_MODELS to its folder to run.";
                return;
            }
        }
    }
}
