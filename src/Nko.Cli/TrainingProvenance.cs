using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Nko.Candidates;
using Nko.Ranker.Training;

namespace Nko.Cli;

/// <summary>What <c>nko train</c> adds to a trained config's provenance: the data's folders and content hash, the tool version, the options.</summary>
internal static class TrainingProvenance
{
    /// <summary>
    /// The SHA-256 of the training rows, as 64 lowercase hex digits. For each row in training order (the <c>--train</c>
    /// folders in the order given, rows in file order): the hypothesis and then the reference, each as its UTF-8 byte
    /// count (int32, little-endian) followed by the UTF-8 bytes; then the frame and class counts (int32, little-endian);
    /// then the log-probs, row-major, as float32 little-endian (a float16 file's values widened exactly, so a float16 and
    /// a float32 file with the same values hash alike).
    /// </summary>
    public static string Sha256(IEnumerable<TrainingUtterance> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> word = stackalloc byte[4];
        foreach (TrainingUtterance row in rows)
        {
            foreach (string text in (string[])[row.Hypothesis, row.Reference])
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32LittleEndian(word, utf8.Length);
                hash.AppendData(word);
                hash.AppendData(utf8);
            }

            BinaryPrimitives.WriteInt32LittleEndian(word, row.LogProbs.Frames);
            hash.AppendData(word);
            BinaryPrimitives.WriteInt32LittleEndian(word, row.LogProbs.Classes);
            hash.AppendData(word);
            ReadOnlySpan<float> values = row.LogProbs.Span;
            if (BitConverter.IsLittleEndian)
            {
                hash.AppendData(MemoryMarshal.AsBytes(values));
            }
            else
            {
                foreach (float v in values)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(word, v);
                    hash.AppendData(word);
                }
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary><c>nko</c> and its informational version (with the commit it was built from, when known).</summary>
    public static string ToolVersion() =>
        "nko " + (typeof(TrainingProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                  ?? typeof(TrainingProvenance).Assembly.GetName().Version?.ToString() ?? "unknown");

    /// <summary>A one-line summary of the trainer options, e.g. <c>blank=first max_candidates=32 top_k=4 min_count=2 shortlist=all beam_revision=off</c>.</summary>
    public static string Options(TrainerOptions options, string blank)
    {
        GeneratorOptions g = options.Generator;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"blank={blank} max_candidates={g.MaxCandidates} top_k={g.TopKPerLabel} min_count={g.MinCount} shortlist={(g.Shortlist is { } s ? s.ToString(CultureInfo.InvariantCulture) : "all")}");
        if (options.LanguageModelText.Length > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" lm_order={options.LanguageModelOrder} lm_folds={options.LanguageModelFolds} lm_sentences={options.LanguageModelText.Length} beam_revision={(options.BeamRevision ? "on" : "off")}");
        }

        return sb.ToString();
    }
}
