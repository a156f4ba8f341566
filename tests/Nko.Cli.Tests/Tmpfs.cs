using System.Diagnostics;

namespace Nko.Cli.Tests;

/// <summary>
/// A small tmpfs mounted on a temporary folder, to make real full-disk (ENOSPC) and read-only-file-system (EROFS) errors;
/// unmounted and deleted on dispose. Mounting needs Linux and root (CAP_SYS_ADMIN): see <see cref="TmpfsFactAttribute"/>.
/// </summary>
internal sealed class Tmpfs : IDisposable
{
    public Tmpfs(int kilobytes, bool readOnly = false)
    {
        Path = Directory.CreateTempSubdirectory("nko-tmpfs-").FullName;
        string? error = Mount(Path, kilobytes, readOnly);
        if (error is not null)
        {
            Directory.Delete(Path);
            throw new InvalidOperationException($"mount failed: {error}");
        }
    }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? Unavailable { get; } = Probe();

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Fills the free space with a filler file, so that the next non-empty write fails with ENOSPC.</summary>
    public void Fill()
    {
        using var filler = new FileStream(File("filler"), FileMode.Create, FileAccess.Write, FileShare.None, 1);
        byte[] block = new byte[1024];
        try
        {
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    public void Dispose()
    {
        Run("umount", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Needs Linux (a tmpfs mount) to make a full disk.";
        }

        string dir = Directory.CreateTempSubdirectory("nko-tmpfs-probe-").FullName;
        try
        {
            string? error = Mount(dir, 16, readOnly: false);
            if (error is not null)
            {
                return $"Needs root (CAP_SYS_ADMIN) to mount a tiny tmpfs as a full disk; mount said: {error}";
            }

            Run("umount", dir);
            return null;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Mount(string dir, int kilobytes, bool readOnly)
    {
        (int code, string error) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k{(readOnly ? ",ro" : string.Empty)}", "tmpfs", dir);
        return code == 0 ? null : error.Trim();
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

/// <summary>A fact skipped where a tmpfs cannot be mounted (not Linux, not root).</summary>
internal sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
