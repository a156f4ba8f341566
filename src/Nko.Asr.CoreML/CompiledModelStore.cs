namespace Nko.Asr.CoreML;

/// <summary>
/// Moves a model CoreML compiled into its temporary folder to <see cref="CoreMLModelOptions.CompiledModelDirectory"/>:
/// a rename when both are on one volume, otherwise a copy next to the target then a rename (so the target is never
/// half-written); the temporary copy is deleted whatever happens.
/// </summary>
internal static class CompiledModelStore
{
    /// <summary>Keeps <paramref name="compiled"/> as <c>directory/name.mlmodelc</c> and returns that path.</summary>
    /// <param name="compiled">The compiled model in CoreML's temporary folder (deleted on return or failure).</param>
    /// <param name="directory">Where to keep it (created if missing; an older copy of the same name is replaced).</param>
    /// <param name="name">The model's name without extension.</param>
    /// <param name="move">The first move attempted (tests inject a cross-volume failure); <see cref="Directory.Move"/> by default.</param>
    /// <exception cref="IOException">The compiled model could be neither moved nor copied.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    public static string Keep(string compiled, string directory, string name, Action<string, string>? move = null)
    {
        string target = Path.Combine(directory, name + ".mlmodelc");
        try
        {
            Directory.CreateDirectory(directory);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            try
            {
                (move ?? Directory.Move)(compiled, target);
            }
            catch (IOException) when (Directory.Exists(compiled) && !Directory.Exists(target))
            {
                // Typically another volume (a rename cannot cross file systems): copy beside the target, then rename.
                string staging = Path.Combine(directory, $".{name}.mlmodelc.tmp-{Guid.NewGuid():N}");
                try
                {
                    CopyDirectory(compiled, staging);
                    Directory.Move(staging, target);
                }
                catch
                {
                    DeleteQuietly(staging);
                    throw;
                }
            }

            return target;
        }
        finally
        {
            DeleteQuietly(compiled);
        }
    }

    /// <summary>Deletes a folder if it exists; a leftover temporary folder is harmless, so failures are ignored.</summary>
    public static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(folder, Path.Combine(destination, Path.GetFileName(folder)));
        }
    }
}
