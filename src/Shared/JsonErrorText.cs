// Compiled into each package that reads JSON lines (linked from its csproj), so their errors read alike without a public
// helper: Nko.Data (CtcDataset) and the nko CLI (score).
using System.Globalization;
using System.Text.Json;

namespace Nko.IO;

/// <summary>The text of a JSON parse error within one line of a JSON-lines file.</summary>
internal static class JsonErrorText
{
    /// <summary>The parser's message without its position suffix, which counts lines within the one-line document.</summary>
    public static string Describe(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut].TrimEnd('.', ' ');
        }

        return e.BytePositionInLine is long b
            ? string.Create(CultureInfo.InvariantCulture, $"{message} at byte {b + 1}")
            : message;
    }
}
