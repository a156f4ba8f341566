namespace Nko.Ranker.Features;

/// <summary>Computes one beam-revision feature of a segment (by reference: the inputs are a struct on the caller's stack).</summary>
internal delegate double SegmentFeature(in SegmentInputs inputs);

/// <summary>One beam-revision feature: its stable name and how its value is computed from a segment's <see cref="SegmentInputs"/>.</summary>
/// <param name="Name">The name configs use (one of the <see cref="BeamRevisionFeatures"/> constants).</param>
/// <param name="Compute">The value; must depend only on the inputs.</param>
/// <param name="FromKeyCounts">
/// Whether it reads only the key counts (<see cref="SegmentInputs.Key"/>, <see cref="SegmentInputs.ContextKey"/>): the
/// trainer rewrites these once the cross-fitted key table is known (<see cref="BeamRevisionEvaluator.WriteKeyFeatures"/>).
/// </param>
internal sealed record SegmentFeatureDescriptor(string Name, SegmentFeature Compute, bool FromKeyCounts = false);
