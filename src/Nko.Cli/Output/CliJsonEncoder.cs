using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Nko.Cli.Output;

/// <summary>
/// <see cref="CliJson"/>'s escaping policy as a <see cref="JavaScriptEncoder"/>, for what <see cref="System.Text.Json.Utf8JsonWriter"/>
/// escapes itself (property names). The built-in encoders cannot express it: even
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes code points its Unicode tables call unassigned, such as
/// N'Ko U+07FC.
/// </summary>
internal sealed class CliJsonEncoder : JavaScriptEncoder
{
    private CliJsonEncoder()
    {
    }

    /// <summary>The one instance.</summary>
    public static CliJsonEncoder Instance { get; } = new();

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 6; // \uXXXX

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (CliJson.MustEscape(c))
            {
                return i;
            }

            if (char.IsHighSurrogate(c) && i + 1 < textLength && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        numberOfCharactersWritten = 0;
        if (!WillEncode(unicodeScalar))
        {
            return Rune.IsValid(unicodeScalar) && new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        ReadOnlySpan<byte> shortForm = CliJson.ShortForm(unicodeScalar);
        if (!shortForm.IsEmpty)
        {
            if (destination.Length < 2)
            {
                return false;
            }

            destination[0] = (char)shortForm[0];
            destination[1] = (char)shortForm[1];
            numberOfCharactersWritten = 2;
            return true;
        }

        if (destination.Length < 6)
        {
            return false;
        }

        destination[0] = '\\';
        destination[1] = 'u';
        unicodeScalar.TryFormat(destination[2..6], out _, "X4", CultureInfo.InvariantCulture);
        numberOfCharactersWritten = 6;
        return true;
    }

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) => unicodeScalar <= char.MaxValue && CliJson.MustEscape((char)unicodeScalar);
}
