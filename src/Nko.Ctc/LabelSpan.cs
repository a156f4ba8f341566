namespace Nko.Ctc;

/// <summary>The frames over which greedy decoding emitted one label: [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <param name="Start">First frame whose argmax is the label.</param>
/// <param name="End">One past the last frame of the run.</param>
public readonly record struct LabelSpan(int Start, int End)
{
    /// <summary>Number of frames in the span.</summary>
    public int Length => End - Start;
}
