using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;

namespace Nko.Asr;

/// <summary>
/// How an acoustic model's time axis maps input frames to output frames: <b>fixed</b> (the model takes exactly one input
/// length and gives one output length) or <b>flexible</b> (any length, reduced by a <see cref="Nko.Asr.FrameReduction"/>).
/// Back ends resolve it once, when they load a model (<see cref="Resolve{TBackendException}"/>), and answer
/// <see cref="IAcousticModel.GetOutputFrames"/> from it.
/// </summary>
public readonly struct TimeAxis
{
    /// <summary>The largest stride considered when a flexible axis's reduction is inferred by probing.</summary>
    public const int MaxProbeStride = 64;

    private readonly int _fixedOutputFrames;

    private TimeAxis(int? fixedInputFrames, int fixedOutputFrames, FrameReduction? frameReduction)
    {
        FixedInputFrames = fixedInputFrames;
        _fixedOutputFrames = fixedOutputFrames;
        FrameReduction = frameReduction;
    }

    /// <summary>The input lengths tried, shortest first, when a flexible axis's reduction is inferred by probing.</summary>
    public static ReadOnlySpan<int> ProbeStarts => [16, 64, 256, 1024];

    /// <summary>The only input length the model accepts; <see langword="null"/> when the axis is flexible.</summary>
    public int? FixedInputFrames { get; }

    /// <summary>The input-to-output frame rule; <see langword="null"/> when the axis is fixed.</summary>
    public FrameReduction? FrameReduction { get; }

    /// <summary>A fixed axis: exactly <paramref name="inputFrames"/> in, <paramref name="outputFrames"/> out.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A length is below 1.</exception>
    public static TimeAxis Fixed(int inputFrames, int outputFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputFrames, 1);
        return new TimeAxis(inputFrames, outputFrames, null);
    }

    /// <summary>A flexible axis reduced by <paramref name="frameReduction"/>.</summary>
    public static TimeAxis Flexible(FrameReduction frameReduction) => new(null, 0, frameReduction);

    /// <summary>
    /// The axis of a model being loaded. With a fixed input length, fixed, its output length read from the model or, when
    /// the model does not state it, found by one probe run. Otherwise flexible: the configured reduction, or one inferred
    /// by probing from each of <see cref="ProbeStarts"/> in turn while the back end fails with a
    /// <typeparamref name="TBackendException"/> (a model may need a longer input).
    /// </summary>
    /// <typeparam name="TBackendException">What the back end throws when a probe run fails.</typeparam>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <param name="fixedInputFrames">The model's fixed input length, or 0 or less when its time axis is dynamic.</param>
    /// <param name="fixedOutputFrames">The model's fixed output length when it states one, else 0 or less.</param>
    /// <param name="configured">The reduction given in the options, if any.</param>
    /// <param name="probe">Runs the model on zero features of the given length and returns its output frames.</param>
    /// <exception cref="AcousticModelException">The reduction cannot be inferred (the message says how to set it), or a fixed axis gives no output frames.</exception>
    public static TimeAxis Resolve<TBackendException>(string modelName, int fixedInputFrames, int fixedOutputFrames, FrameReduction? configured, Func<int, int> probe)
        where TBackendException : Exception
    {
        ArgumentNullException.ThrowIfNull(probe);
        if (fixedInputFrames > 0)
        {
            int outputFrames = fixedOutputFrames > 0 ? fixedOutputFrames : probe(fixedInputFrames);
            return outputFrames > 0
                ? Fixed(fixedInputFrames, outputFrames)
                : throw new AcousticModelException(string.Create(CultureInfo.InvariantCulture, $"Model '{modelName}' gives no output frames for its fixed input of {fixedInputFrames} frames."));
        }

        if (configured is FrameReduction given)
        {
            return Flexible(given);
        }

        TBackendException? last = null;
        foreach (int start in ProbeStarts)
        {
            try
            {
                return Flexible(Nko.Asr.FrameReduction.Infer(probe, start, MaxProbeStride));
            }
            catch (TBackendException e)
            {
                last = e; // the model may need a longer input: try a longer start
            }
            catch (InvalidOperationException e) when (e is not AcousticModelException)
            {
                throw new AcousticModelException($"Model '{modelName}': cannot infer how its time axis is reduced ({e.Message}).", e);
            }
        }

        throw new AcousticModelException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{modelName}' failed on zero inputs of {ProbeStarts[0]}..{ProbeStarts[^1]} frames while inferring its frame reduction; set AcousticModelOptions.FrameReduction, or check the model: {last?.Message}"),
            last);
    }

    /// <summary>The output frames T for <paramref name="inputFrames"/> input frames.</summary>
    /// <param name="inputFrames">The input length.</param>
    /// <param name="modelName">Names the model in the error message.</param>
    /// <exception cref="ArgumentOutOfRangeException">The input is too short for one output frame, or differs from a fixed input length.</exception>
    public int GetOutputFrames(int inputFrames, string modelName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFrames, 1);
        if (FixedInputFrames is int fixedFrames)
        {
            if (inputFrames != fixedFrames)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(inputFrames),
                    inputFrames,
                    string.Create(CultureInfo.InvariantCulture, $"Model '{modelName}' has a fixed time axis and accepts exactly {fixedFrames} input frames."));
            }

            return _fixedOutputFrames;
        }

        return (FrameReduction ?? Nko.Asr.FrameReduction.None).GetOutputFrames(inputFrames);
    }

    /// <summary>
    /// Checks <paramref name="features"/> against a model taking <paramref name="featureDimension"/>-wide encoder
    /// features <c>[frames, D]</c> and returns the output frames T.
    /// </summary>
    /// <param name="features">The features to run.</param>
    /// <param name="featureDimension">The width the model takes.</param>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <param name="input">Describes the model's input in error messages (name, shape, element type).</param>
    /// <exception cref="ArgumentException">
    /// The features are empty, log-mel, or of the wrong width, or a value is NaN or ±∞ (the message names the frame and
    /// the feature index).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">Their length does not fit the axis.</exception>
    public int CheckFeatures(in AcousticFeatures features, int featureDimension, string modelName, string input) =>
        CheckFeatures(features, AcousticInputKind.Features, featureDimension, modelName, input);

    /// <summary>
    /// Checks <paramref name="features"/> against a model taking input of <paramref name="kind"/>,
    /// <paramref name="dimension"/> wide (mel bands for log-mel), and returns the output frames T.
    /// </summary>
    /// <param name="features">The input to run.</param>
    /// <param name="kind">The kind (and layout) the model takes.</param>
    /// <param name="dimension">The width the model takes: D, or mel bands.</param>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <param name="input">Describes the model's input in error messages (name, shape, element type).</param>
    /// <exception cref="ArgumentException">
    /// The input is empty, of the other kind, or of the wrong width, or a value is NaN or ±∞ (the message names where).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">Its length does not fit the axis (too short, or not the fixed window).</exception>
    public int CheckFeatures(in AcousticFeatures features, AcousticInputKind kind, int dimension, string modelName, string input)
    {
        if (features.Frames == 0)
        {
            throw new ArgumentException("The features are default (empty); create them with AcousticFeatures.FromSingle, FromHalf or FromLogMel.", nameof(features));
        }

        if (features.Kind != kind)
        {
            throw new ArgumentException(
                kind == AcousticInputKind.LogMel
                    ? $"Model '{modelName}' takes a log-mel spectrogram [mels, frames] ({input}) but was given encoder features [frames, D]; wrap the log-mel with AcousticFeatures.FromLogMel."
                    : $"Model '{modelName}' takes encoder features [frames, D] ({input}) but was given a log-mel spectrogram; run an encoder first (EncoderHeadChain), or load a model that starts at log-mel.",
                nameof(features));
        }

        if (features.Dimension != dimension)
        {
            throw new ArgumentException(
                kind == AcousticInputKind.LogMel
                    ? string.Create(CultureInfo.InvariantCulture, $"The log-mel has {features.Dimension} mel bands but model '{modelName}' takes {dimension} ({input}); compute it with {dimension} mel bands.")
                    : string.Create(CultureInfo.InvariantCulture, $"Features are {features.Dimension} wide but model '{modelName}' takes {dimension} ({input})."),
                nameof(features));
        }

        int outputFrames = GetOutputFrames(features.Frames, modelName);

        // A model given NaN or ±∞ may still return finite (meaningless) log-probs, so bad input is caught here, at the
        // boundary every back end shares, rather than hoped for in the output check.
        int bad = features.IsHalf ? IndexOfNonFinite(features.Half.Span) : IndexOfNonFinite(features.Single.Span);
        if (bad >= 0)
        {
            string value = features.IsHalf
                ? features.Half.Span[bad].ToString(CultureInfo.InvariantCulture)
                : features.Single.Span[bad].ToString(CultureInfo.InvariantCulture);
            throw new ArgumentException(
                features.Kind == AcousticInputKind.LogMel
                    ? string.Create(CultureInfo.InvariantCulture, $"The log-mel holds {value} at mel band {bad / features.Frames}, frame {bad % features.Frames}; model '{modelName}' needs finite input.")
                    : string.Create(CultureInfo.InvariantCulture, $"Features hold {value} at frame {bad / features.Dimension}, feature {bad % features.Dimension}; model '{modelName}' needs finite features."),
                nameof(features));
        }

        return outputFrames;
    }

    private static int IndexOfNonFinite<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        if (TensorPrimitives.IsFiniteAll(values))
        {
            return -1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
