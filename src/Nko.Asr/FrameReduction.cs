using System.Globalization;

namespace Nko.Asr;

/// <summary>
/// How an acoustic model maps input frames to output frames: <c>T = floor((T_in + Offset) / Stride)</c>.
/// </summary>
/// <remarks>
/// <para>Every stack of strided convolutions and poolings has this form: one layer gives
/// <c>floor((T + 2·padding − kernel) / stride) + 1</c>, and <c>floor((floor(x / m) + b) / n) = floor((x + b·m) / (m·n))</c>
/// for integers, so the layers compose into a single stride and offset. For example two Conv1d layers with kernel 3,
/// stride 2 and padding 1 give <see cref="Ceiling(int)">Ceiling(4)</see>: <c>T = ceil(T_in / 4)</c>, 1500 → 375.</para>
/// <para>When the options leave it unset, back ends infer it at load by running the model on a few short inputs
/// (<see cref="Infer(Func{int, int}, int, int)"/>).</para>
/// </remarks>
/// <param name="Stride">The total time stride (≥ 1).</param>
/// <param name="Offset">The offset added before the floor division (may be negative for unpadded convolutions).</param>
public readonly record struct FrameReduction(int Stride, int Offset)
{
    /// <summary>No reduction: <c>T = T_in</c>.</summary>
    public static FrameReduction None => new(1, 0);

    /// <summary><c>T = ceil(T_in / factor)</c>, the rule of "same"-padded strided convolutions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> &lt; 1.</exception>
    public static FrameReduction Ceiling(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        return new FrameReduction(factor, factor - 1);
    }

    /// <summary>
    /// The rule of this reduction followed by <paramref name="next"/> (an encoder, then a head):
    /// <c>floor((floor((x + a) / m) + b) / n) = floor((x + a + b·m) / (m·n))</c>.
    /// </summary>
    /// <exception cref="OverflowException">The combined stride or offset does not fit an int.</exception>
    public FrameReduction Then(FrameReduction next) =>
        new(checked(Stride * next.Stride), checked(Offset + (next.Offset * Stride)));

    /// <summary>The number of output frames for <paramref name="inputFrames"/> input frames.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The stride is &lt; 1, or the input is too short to yield one output frame.</exception>
    public int GetOutputFrames(int inputFrames)
    {
        if (Stride < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Stride), Stride, "The frame stride must be at least 1.");
        }

        long frames = FloorDiv((long)inputFrames + Offset, Stride);
        if (frames < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(inputFrames),
                inputFrames,
                string.Create(CultureInfo.InvariantCulture, $"{inputFrames} input frames yield no output frame under {this}; the model needs a longer input."));
        }

        return (int)Math.Min(frames, int.MaxValue);
    }

    /// <summary>
    /// Infers the rule from a function that reports the output frames of a run at a given input length.
    /// </summary>
    /// <remarks>
    /// Probes <c>startFrames, startFrames + 1, …</c> until the output length has grown twice (at most
    /// <c>2 · maxStride + 2</c> probes, plus two longer probes that check the fit), then solves for the stride and offset.
    /// </remarks>
    /// <param name="outputFramesOf">Returns the model's output frames for an input of the given number of frames.</param>
    /// <param name="startFrames">The first input length probed; the model must accept it and every longer one.</param>
    /// <param name="maxStride">The largest stride considered.</param>
    /// <exception cref="InvalidOperationException">The observed lengths are not of the form <c>floor((T_in + a) / s)</c> with <c>s ≤ maxStride</c>.</exception>
    public static FrameReduction Infer(Func<int, int> outputFramesOf, int startFrames = 16, int maxStride = 64)
    {
        ArgumentNullException.ThrowIfNull(outputFramesOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(startFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStride, 1);

        var observed = new List<(int Input, int Output)>();
        int previous = outputFramesOf(startFrames);
        observed.Add((startFrames, previous));
        int firstStep = -1, secondStep = -1;
        for (int t = startFrames + 1; t <= startFrames + (2 * maxStride) + 1; t++)
        {
            int current = outputFramesOf(t);
            observed.Add((t, current));
            int delta = current - previous;
            if (delta is < 0 or > 1)
            {
                throw NotAReduction(observed);
            }

            if (delta == 1)
            {
                if (firstStep < 0)
                {
                    firstStep = t;
                }
                else
                {
                    secondStep = t;
                    break;
                }
            }

            previous = current;
        }

        if (secondStep < 0)
        {
            throw NotAReduction(observed);
        }

        int stride = secondStep - firstStep;
        int offset = (stride * observed.Find(o => o.Input == firstStep).Output) - firstStep;
        var rule = new FrameReduction(stride, offset);
        foreach (int far in (ReadOnlySpan<int>)[secondStep + (3 * stride) + 1, (4 * secondStep) + 1])
        {
            observed.Add((far, outputFramesOf(far)));
        }

        foreach ((int input, int output) in observed)
        {
            if (FloorDiv((long)input + offset, stride) != output)
            {
                throw NotAReduction(observed);
            }
        }

        return rule;
    }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"T = floor((T_in + {Offset}) / {Stride})");

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }

    private static InvalidOperationException NotAReduction(List<(int Input, int Output)> observed) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"Output frame counts {string.Join(", ", observed.Select(o => $"{o.Input}->{o.Output}"))} do not follow T = floor((T_in + offset) / stride); set the frame reduction explicitly in the options."));
}
