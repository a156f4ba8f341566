using ScottPlot;

namespace Nko.Cli.Output;

/// <summary>What every plot the CLI draws shares: writing the PNG all-or-nothing, and the font.</summary>
internal static class PlotFile
{
    /// <summary>Renders the plot and writes it to <paramref name="path"/> all-or-nothing.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="render">Builds and renders the plot (run inside the guard, since building loads the native library too).</param>
    /// <param name="written">What was written before the plot, said when it cannot be drawn.</param>
    /// <exception cref="PlatformNotSupportedException">The native graphics library (SkiaSharp) cannot be loaded on this platform.</exception>
    public static void WritePng(string path, Func<Image> render, string written)
    {
        try
        {
            byte[] png;
            using (Image image = render())
            {
                png = image.GetImageBytes(ImageFormat.Png);
            }

            // All-or-nothing, like every file the CLI writes (ScottPlot's SavePng writes the target directly).
            OutputFile.WriteBytes(path, png);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new PlatformNotSupportedException(
                $"could not draw {path}: the SkiaSharp native library is not available on this platform ({e.GetBaseException().Message}). {written}",
                e);
        }
    }

    // ScottPlot falls back to a serif face on Linux; a sans face installed on the machine reads better in a chart.
    public static string? SansFont()
    {
        foreach (string name in (string[])["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI", "Noto Sans"])
        {
            if (string.Equals(Fonts.GetTypeface(name, false, false)?.FamilyName, name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }
}
