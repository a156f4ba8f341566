namespace Nko.Ranker.Features;

/// <summary>One ranker feature: its stable name and how its value is computed from a candidate's <see cref="FeatureInputs"/>.</summary>
/// <param name="Name">The name configs use (one of the <see cref="FeatureNames"/> constants).</param>
/// <param name="Compute">The value; must be finite and depend only on the inputs.</param>
/// <param name="NeedsLanguageModel">Whether a config may use it only with a language model (it is 0 without one).</param>
internal sealed record FeatureDescriptor(string Name, Func<FeatureInputs, double> Compute, bool NeedsLanguageModel = false);
