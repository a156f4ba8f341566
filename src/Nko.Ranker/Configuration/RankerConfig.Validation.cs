using System.Collections.Immutable;
using System.Globalization;
using Nko.Lm;
using Nko.Ranker.Features;

namespace Nko.Ranker.Configuration;

// The validation of a config's parts, whichever way they came (the JSON mapping or the constructors): problems are
// named by the JSON path they would have in a config file.
public sealed partial class RankerConfig
{
    private void ValidateModel()
    {
        // Checked before anything is built from the vocabulary: past the cap the evaluator's tables cannot be afforded.
        if (Vocabulary.Count > MaxClasses)
        {
            throw new RankerConfigException("$.vocabulary.labels", TooManyClasses(Vocabulary.Count));
        }

        if (Name.Length == 0 || Name.Length > MaxNameLength)
        {
            throw new RankerConfigException("$.name", $"must be a non-empty string of at most {MaxNameLength} characters.");
        }

        if (Features.IsDefaultOrEmpty)
        {
            throw new RankerConfigException("$.features", "must list at least one feature.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < Features.Length; k++)
        {
            if (FeatureNames.IndexOf(Features[k]) < 0)
            {
                throw new RankerConfigException(ItemPath("features", k), $"unknown feature '{Features[k]}'. Known features: {string.Join(", ", FeatureNames.All)}.");
            }

            if (!seen.Add(Features[k]))
            {
                throw new RankerConfigException(ItemPath("features", k), $"feature '{Features[k]}' is listed twice.");
            }
        }

        if ((LanguageModel is null) != (LanguageModelReference is null))
        {
            throw new RankerConfigException("$.language_model", "a language model and its reference (path, SHA-256, order) go together.");
        }

        if (LanguageModelReference is { } reference)
        {
            CheckReference(reference);
            if (reference.Order != LanguageModel!.Order)
            {
                throw new RankerConfigException("$.language_model.order", string.Create(CultureInfo.InvariantCulture, $"is {reference.Order}, but the language model has order {LanguageModel.Order}."));
            }
        }
        else
        {
            for (int k = 0; k < Features.Length; k++)
            {
                if (FeatureNames.NeedsLanguageModel(Features[k]))
                {
                    throw new RankerConfigException(ItemPath("features", k), $"feature '{Features[k]}' needs a language model (schema 2, \"language_model\"); this config has none.");
                }
            }
        }

        CheckParallel("means", Means, requirePositive: false);
        CheckParallel("stds", Stds, requirePositive: true);
        CheckParallel("weights", Weights, requirePositive: false);
        if (!double.IsFinite(Bias))
        {
            throw new RankerConfigException("$.bias", "must be a finite number.");
        }

        // The ranker folds the standardisation into the weights (w / std, bias − Σ w·mean / std): those must stay finite too,
        // or a tiny std would turn every score into ±∞ or NaN.
        double folded = Bias;
        for (int k = 0; k < Features.Length; k++)
        {
            double scaled = Weights[k] / Stds[k];
            folded -= scaled * Means[k];
            if (!double.IsFinite(scaled) || !double.IsFinite(folded))
            {
                throw new RankerConfigException(ItemPath("stds", k), string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Stds[k]} is too small for weight {Weights[k]} and mean {Means[k]}: the standardised weight or bias overflows."));
            }
        }

        if (Modes.IsDefaultOrEmpty || Modes.Length > MaxModes)
        {
            throw new RankerConfigException("$.modes", $"must define between 1 and {MaxModes} modes; it has {(Modes.IsDefault ? 0 : Modes.Length)}.");
        }

        var modeNames = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Modes.Length; i++)
        {
            OperatingMode m = Modes[i];
            if (m is null || string.IsNullOrWhiteSpace(m.Name) || m.Name.Length > MaxNameLength)
            {
                throw new RankerConfigException(ItemPath("modes", i) + ".name", $"must be a non-blank string of at most {MaxNameLength} characters.");
            }

            if (!modeNames.Add(m.Name))
            {
                throw new RankerConfigException(ItemPath("modes", i) + ".name", $"mode '{m.Name}' is defined twice.");
            }

            if (!double.IsFinite(m.Threshold) || m.Threshold < 0 || m.Threshold > 1)
            {
                throw new RankerConfigException(ItemPath("modes", i) + ".threshold", $"{m.Threshold.ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
            }

            if (m.MinCtcGain is { } g && !double.IsFinite(g))
            {
                throw new RankerConfigException(ItemPath("modes", i) + ".min_ctc_gain", "must be a finite number or absent.");
            }

            if (m.RevisionThreshold is { } rt && (!double.IsFinite(rt) || rt < 0 || rt > 1))
            {
                throw new RankerConfigException(ItemPath("modes", i) + ".revision_threshold", $"{rt.ToString(CultureInfo.InvariantCulture)} is outside [0, 1].");
            }
        }

        if (!modeNames.Contains(DefaultMode))
        {
            throw new RankerConfigException("$.default_mode", $"'{DefaultMode}' is not one of the modes ({string.Join(", ", modeNames)}).");
        }

        if (MaxRounds < 1 || MaxRounds > MaxRoundsLimit)
        {
            throw new RankerConfigException("$.generator.max_rounds", $"{MaxRounds} is outside [1, {MaxRoundsLimit}].");
        }
    }

    private void CheckParallel(string field, ImmutableArray<double> values, bool requirePositive)
    {
        if (values.IsDefault || values.Length != Features.Length)
        {
            throw new RankerConfigException("$." + field, $"has {(values.IsDefault ? 0 : values.Length)} entries; features has {Features.Length}. The arrays are parallel.");
        }

        for (int k = 0; k < values.Length; k++)
        {
            if (!double.IsFinite(values[k]))
            {
                throw new RankerConfigException(ItemPath(field, k), "must be a finite number.");
            }

            if (requirePositive && values[k] <= 0)
            {
                throw new RankerConfigException(ItemPath(field, k), $"{values[k].ToString(CultureInfo.InvariantCulture)} must be > 0.");
            }
        }
    }

    // The JSON path of an array element (validation names problems as they would appear in a config file).
    internal static string ItemPath(string field, int index) => string.Create(CultureInfo.InvariantCulture, $"$.{field}[{index}]");

    internal static void CheckReference(LanguageModelReference reference)
    {
        if (string.IsNullOrWhiteSpace(reference.Path) || reference.Path.Length > 4096)
        {
            throw new RankerConfigException("$.language_model.path", "must be a non-blank file path of at most 4096 characters, relative to the config file.");
        }

        if (!LanguageModelReference.IsValidHash(reference.Sha256))
        {
            throw new RankerConfigException("$.language_model.sha256", "must be 64 lowercase hexadecimal digits (the SHA-256 of the language model file).");
        }

        if (reference.Order < 1 || reference.Order > CharLanguageModel.MaxOrder)
        {
            throw new RankerConfigException("$.language_model.order", string.Create(CultureInfo.InvariantCulture, $"{reference.Order} is outside [1, {CharLanguageModel.MaxOrder}]."));
        }
    }

    internal static string TooManyClasses(int classes) => string.Create(
        CultureInfo.InvariantCulture,
        $"{classes - 1} labels plus the blank make {classes} classes; at most {MaxClasses - 1} labels ({MaxClasses} classes) are supported, because candidate evaluation keeps tables that grow with the square of the class count.");
}
