namespace Nko.Testing;

/// <summary>A fresh temporary folder, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder under the system temporary folder.</summary>
    /// <param name="prefix">The start of its name, to tell the suites apart when one is left behind.</param>
    public TempDirectory(string prefix = "nko-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (nothing is created).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder; a file still held open elsewhere leaves it behind rather than failing the test.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
