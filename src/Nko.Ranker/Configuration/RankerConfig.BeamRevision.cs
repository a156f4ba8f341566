using System.Collections.Immutable;
using System.Globalization;
using Nko.Ctc;
using Nko.Ranker.Features;

namespace Nko.Ranker.Configuration;

// The beam-revision stage of a schema-3 config: the model's part and its validation (its JSON form: RankerConfigJson).
public sealed partial class RankerConfig
{
    /// <summary>The widest beam a config's revision stage may ask for.</summary>
    public const int MaxRevisionBeamWidth = 1024;

    /// <summary>The most entries a beam-revision key table may hold.</summary>
    public const int MaxRevisionKeys = 1 << 20;

    /// <summary>The beam-revision stage of a schema-3 config, or <see langword="null"/>.</summary>
    public BeamRevisionConfig? BeamRevision { get; }

    /// <summary>The compiled segment model (null without a stage).</summary>
    internal BeamRevisionModel? RevisionModel { get; }

    private BeamRevisionModel? ValidateBeamRevision()
    {
        if (BeamRevision is not { } r)
        {
            return null;
        }

        if (LanguageModel is null)
        {
            throw new RankerConfigException("$.beam_revision", "needs a language model (\"language_model\"): the beam search fuses it.");
        }

        // The search's own ranges are checked as its options are set (BeamSearchOptions); these are the stage's bounds.
        if (r.Search.BeamWidth > MaxRevisionBeamWidth)
        {
            throw new RankerConfigException("$.beam_revision.beam_width", string.Create(CultureInfo.InvariantCulture, $"{r.Search.BeamWidth} is above {MaxRevisionBeamWidth}: the search's time and memory grow with the width."));
        }

        if (r.Search.NBest > r.Search.BeamWidth)
        {
            throw new RankerConfigException("$.beam_revision.nbest", string.Create(CultureInfo.InvariantCulture, $"{r.Search.NBest} is above the beam width {r.Search.BeamWidth}."));
        }

        if (!double.IsFinite(r.Search.TokenLogProbCutoff))
        {
            throw new RankerConfigException("$.beam_revision.token_cutoff", "must be a finite number.");
        }

        if (r.Features.IsDefaultOrEmpty)
        {
            throw new RankerConfigException("$.beam_revision.features", "must list at least one feature.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < r.Features.Length; k++)
        {
            if (BeamRevisionFeatures.IndexOf(r.Features[k]) < 0)
            {
                throw new RankerConfigException(ItemPath("beam_revision.features", k), $"unknown feature '{r.Features[k]}'. Known: {string.Join(", ", BeamRevisionFeatures.All)}.");
            }

            if (!seen.Add(r.Features[k]))
            {
                throw new RankerConfigException(ItemPath("beam_revision.features", k), $"feature '{r.Features[k]}' is listed twice.");
            }
        }

        CheckRevisionArray("means", r.Means, r.Features.Length, requirePositive: false);
        CheckRevisionArray("stds", r.Stds, r.Features.Length, requirePositive: true);
        CheckRevisionArray("weights", r.Weights, r.Features.Length, requirePositive: false);
        if (!double.IsFinite(r.Bias))
        {
            throw new RankerConfigException("$.beam_revision.bias", "must be a finite number.");
        }

        double folded = r.Bias;
        for (int k = 0; k < r.Features.Length; k++)
        {
            double scaled = r.Weights[k] / r.Stds[k];
            folded -= scaled * r.Means[k];
            if (!double.IsFinite(scaled) || !double.IsFinite(folded))
            {
                throw new RankerConfigException(ItemPath("beam_revision.stds", k), "is too small for its weight and mean: the standardised weight or bias overflows.");
            }
        }

        if (r.Keys.IsDefault || r.Keys.Length > MaxRevisionKeys)
        {
            throw new RankerConfigException("$.beam_revision.keys", string.Create(CultureInfo.InvariantCulture, $"must be an array of at most {MaxRevisionKeys} entries."));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < r.Keys.Length; i++)
        {
            SegmentKeyCount key = r.Keys[i];
            string path = ItemPath("beam_revision.keys", i);
            if (key is null || key.From is null || key.To is null || (key.Left is null) != (key.Right is null))
            {
                throw new RankerConfigException(path, "must have \"from\" and \"to\", and \"left\" with \"right\" or neither.");
            }

            CheckKeyText(key.From, path + ".from", maxLength: int.MaxValue);
            CheckKeyText(key.To, path + ".to", maxLength: int.MaxValue);
            if (key.Left is not null)
            {
                CheckKeyText(key.Left, path + ".left", maxLength: 1);
                CheckKeyText(key.Right!, path + ".right", maxLength: 1);
            }

            if (key.Seen < 1 || key.Helped < 0 || key.Helped > key.Seen)
            {
                throw new RankerConfigException(path, string.Create(CultureInfo.InvariantCulture, $"needs 0 ≤ helped ≤ seen and seen ≥ 1; has helped {key.Helped}, seen {key.Seen}."));
            }

            if (!keys.Add(SegmentKeyTable.Key(key.From, key.To, key.Left, key.Right)))
            {
                throw new RankerConfigException(path, "this key is listed twice.");
            }
        }

        return new BeamRevisionModel(r);
    }

    private void CheckKeyText(string text, string path, int maxLength)
    {
        if (text.Length > maxLength)
        {
            throw new RankerConfigException(path, "must be at most one character (the neighbouring label, or empty at an end).");
        }

        foreach (char c in text)
        {
            if (!Vocabulary.TryGetId(c, out int id) || id == Vocabulary.BlankIndex)
            {
                throw new RankerConfigException(path, $"'{c}' (U+{(int)c:X4}) is not a vocabulary label.");
            }
        }
    }

    private static void CheckRevisionArray(string field, ImmutableArray<double> values, int count, bool requirePositive)
    {
        if (values.IsDefault || values.Length != count)
        {
            throw new RankerConfigException("$.beam_revision." + field, string.Create(CultureInfo.InvariantCulture, $"has {(values.IsDefault ? 0 : values.Length)} entries; features has {count}. The arrays are parallel."));
        }

        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]) || (requirePositive && values[k] <= 0))
            {
                throw new RankerConfigException(ItemPath("beam_revision." + field, k), requirePositive ? "must be a finite number > 0." : "must be a finite number.");
            }
        }
    }
}
