using System.Runtime.InteropServices;

namespace Nko.Cli;

/// <summary>
/// Ignores SIGXFSZ, so that a write past the file size limit (<c>ulimit -f</c>) fails with an <see cref="IOException"/>
/// ("File too large", EFBIG), which is reported as one error line while the previous output file stays intact, instead of
/// killing the process silently (exit 153).
/// </summary>
internal static partial class FileSizeLimitSignal
{
    // SIGXFSZ is 25 on Linux (x64, arm64, arm) and on macOS; SIG_IGN is the handler value 1 on both; SIG_ERR is -1.
    private const int SigXfsz = 25;
    private const nint SigIgn = 1;
    private const nint SigErr = -1;

    /// <summary>Sets SIGXFSZ to ignored on Linux and macOS; returns whether it is ignored.</summary>
    public static bool Ignore()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        try
        {
            return Signal(SigXfsz, SigIgn) != SigErr;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // An unusual libc: writes past the limit still kill the process, as they did before.
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
