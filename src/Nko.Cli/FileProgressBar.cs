namespace Nko.Cli;

/// <summary>
/// A one-line progress bar on stderr for commands that work through many files (<c>transcribe</c>, <c>dataset</c>):
/// <c>[#########-----------]  12/40  dev_011.wav</c>. Shown only when stderr is the process's own, not redirected, and
/// there are at least two items, so captured output and logs stay clean.
/// </summary>
internal sealed class FileProgressBar : IDisposable
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly int _total;
    private int _lastLength;

    private FileProgressBar(TextWriter writer, int total)
    {
        _writer = writer;
        _total = total;
    }

    /// <summary>A bar on <paramref name="error"/> when it is an interactive stderr and <paramref name="total"/> ≥ 2; otherwise <see langword="null"/>.</summary>
    public static FileProgressBar? Create(TextWriter error, int total) =>
        total >= 2 && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new FileProgressBar(error, total) : null;

    /// <summary>Shows <paramref name="done"/> of the total finished, and what is being worked on.</summary>
    public void Report(int done, string current)
    {
        int filled = _total == 0 ? Width : (int)((long)Width * done / _total);
        string name = current.Length > 40 ? "…" + current[^39..] : current;
        string line = $"[{new string('#', filled)}{new string('-', Width - filled)}] {done,4}/{_total}  {name}";
        _writer.Write('\r' + line.PadRight(_lastLength));
        _lastLength = line.Length;
        _writer.Flush();
    }

    /// <summary>Writes a message on its own line above the bar (errors while the bar is shown).</summary>
    public void Clear()
    {
        _writer.Write('\r' + new string(' ', _lastLength) + '\r');
        _writer.Flush();
    }

    /// <summary>Removes the bar.</summary>
    public void Dispose() => Clear();
}
