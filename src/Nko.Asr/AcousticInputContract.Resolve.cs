using System.Globalization;

namespace Nko.Asr;

/// <summary>How back ends resolve a model's contract from its metadata, its signature and the options.</summary>
public sealed partial record AcousticInputContract
{
    /// <summary>
    /// The input kind of a model being loaded: <see cref="AcousticModelOptions.InputKind"/>, else the metadata's
    /// <c>nko.frontend</c>, else <paramref name="fromSignature"/>.
    /// </summary>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <param name="options">The options.</param>
    /// <param name="metadata">The model's metadata.</param>
    /// <param name="fromSignature">What the back end reads from the input's shape and name.</param>
    /// <exception cref="AcousticModelException">The options and the metadata disagree.</exception>
    public static AcousticInputKind ResolveKind(string modelName, AcousticModelOptions options, AcousticModelMetadata metadata, AcousticInputKind fromSignature)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        if (options.InputKind is AcousticInputKind wanted && metadata.InputKind is AcousticInputKind stated && wanted != stated)
        {
            throw new AcousticModelException(
                $"Model '{modelName}' states nko.frontend = '{metadata.FrontEnd}' ({stated}) but the options ask for {wanted} input; use the model's input kind, or set AcousticModelOptions.ReadMetadata = false if its metadata is wrong.");
        }

        return options.InputKind ?? metadata.InputKind ?? fromSignature;
    }

    /// <summary>
    /// The frame reduction to use for a flexible time axis: <see cref="AcousticModelOptions.FrameReduction"/>, else the
    /// metadata's <c>nko.frame_reduction</c>, else <see langword="null"/> (the back end infers it by probing).
    /// </summary>
    /// <exception cref="AcousticModelException">The options and the metadata disagree.</exception>
    public static FrameReduction? ResolveFrameReduction(string modelName, AcousticModelOptions options, AcousticModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        if (options.FrameReduction is FrameReduction wanted && metadata.FrameReduction is FrameReduction stated && wanted != stated)
        {
            throw new AcousticModelException(
                $"Model '{modelName}' states nko.frame_reduction ({stated}) but the options give {wanted}; remove AcousticModelOptions.FrameReduction, or set ReadMetadata = false if the metadata is wrong.");
        }

        return options.FrameReduction ?? metadata.FrameReduction;
    }

    /// <summary>
    /// Resolves and checks the contract of a model being loaded, once its input kind, width and time axis are known.
    /// Everything the model states (signature, metadata) must agree with itself and with the options.
    /// </summary>
    /// <param name="modelName">Names the model in error messages.</param>
    /// <param name="kind">The input kind (<see cref="ResolveKind"/>).</param>
    /// <param name="dimension">The input width read from the signature: mel bands or D.</param>
    /// <param name="timeAxis">The resolved time axis.</param>
    /// <param name="metadata">The model's metadata.</param>
    /// <param name="options">The options.</param>
    /// <param name="isCtcModel"><see langword="true"/> for a model that emits CTC classes (checked against <see cref="AcousticModelOptions.Vocabulary"/>), <see langword="false"/> for an encoder.</param>
    /// <exception cref="AcousticModelException">
    /// The mel count, the window, the class count or the blank position stated by the model disagree with each other or
    /// with the options (the message names both values and what to change).
    /// </exception>
    public static AcousticInputContract Resolve(
        string modelName,
        AcousticInputKind kind,
        int dimension,
        TimeAxis timeAxis,
        AcousticModelMetadata metadata,
        AcousticModelOptions options,
        bool isCtcModel)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        bool logMel = kind == AcousticInputKind.LogMel;

        // Width: the signature is the truth; the metadata and the options must agree with it.
        if (metadata.Mels is int statedMels)
        {
            if (!logMel)
            {
                throw Mismatch(modelName, $"states nko.n_mels = {statedMels} but its input is read as features [frames, {dimension}]", "set AcousticModelOptions.InputKind = LogMel, or fix the metadata");
            }

            if (statedMels != dimension)
            {
                throw Mismatch(modelName, $"states nko.n_mels = {statedMels} but its input has {dimension} mel bands", "fix the model's metadata, or set AcousticModelOptions.ReadMetadata = false");
            }
        }

        if (options.Mels is int wantedMels && (!logMel || wantedMels != dimension))
        {
            throw Mismatch(
                modelName,
                logMel ? $"takes log-mel with {dimension} mel bands, but the options expect {wantedMels}" : $"takes features [frames, {dimension}], not log-mel, but the options expect {wantedMels} mel bands",
                logMel ? string.Create(CultureInfo.InvariantCulture, $"compute the log-mel with {dimension} mel bands (AcousticModelOptions.Mels = {dimension})") : "feed it encoder features, or put an encoder in front of it (EncoderHeadChain)");
        }

        if (metadata.SampleRate is int rate && logMel && rate != WhisperSampleRate)
        {
            throw Mismatch(modelName, $"states nko.sample_rate = {rate}, but a Whisper log-mel front end works at {WhisperSampleRate} Hz", "fix the model's metadata");
        }

        // Window: a fixed axis is the truth; the metadata (samples / 160) and the options must agree with it.
        int? window = timeAxis.FixedInputFrames;
        if (metadata.WindowSamples is int samples)
        {
            if (samples % WhisperHopLength != 0)
            {
                throw Mismatch(modelName, $"states nko.window_samples = {samples}, not a multiple of the {WhisperHopLength}-sample hop", "fix the model's metadata");
            }

            int statedFrames = samples / WhisperHopLength;
            if (window is int fixedFrames && fixedFrames != statedFrames)
            {
                throw Mismatch(modelName, $"states a window of {samples} samples ({statedFrames} frames) but its input is fixed at {fixedFrames} frames", "fix the model's metadata");
            }

            window = statedFrames;
        }

        if (options.WindowFrames is int wantedWindow)
        {
            if (window is int modelWindow && modelWindow != wantedWindow)
            {
                throw Mismatch(
                    modelName,
                    timeAxis.FixedInputFrames is not null
                        ? $"accepts exactly {modelWindow} input frames, but the options give a window of {wantedWindow}"
                        : $"was built for windows of {modelWindow} frames ({modelWindow * WhisperHopLength} samples), but the options give {wantedWindow}",
                    string.Create(CultureInfo.InvariantCulture, $"use windows of {modelWindow} frames (AcousticModelOptions.WindowFrames = {modelWindow})"));
            }

            window ??= wantedWindow;
        }

        int? windowOutput = null;
        if (window is int w)
        {
            try
            {
                windowOutput = timeAxis.GetOutputFrames(w, modelName);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw Mismatch(modelName, $"gives no output for its window of {w} frames ({e.Message})", "check the window and the frame reduction");
            }
        }

        // Classes and blank of a CTC model: the vocabulary in the options is the truth the caller decodes with.
        int? classes = null, blank = null;
        if (isCtcModel)
        {
            classes = options.Vocabulary.Count;
            blank = options.Vocabulary.BlankIndex;
            if (metadata.Classes is int statedClasses && statedClasses != classes)
            {
                throw Mismatch(modelName, $"states nko.classes = {statedClasses} but the vocabulary has {classes}", "set AcousticModelOptions.Vocabulary to the vocabulary the model was trained with");
            }

            if (metadata.Blank is CtcBlankPosition position)
            {
                int statedBlank = position == CtcBlankPosition.First ? 0 : options.Vocabulary.Count - 1;
                if (statedBlank != blank)
                {
                    throw Mismatch(
                        modelName,
                        $"states nko.blank = {(position == CtcBlankPosition.First ? "first" : "last")} but the vocabulary's blank is class {blank}",
                        position == CtcBlankPosition.First ? "use CtcVocabulary.NkoBlankFirst (or a vocabulary with the blank at 0)" : "use CtcVocabulary.NkoBlankLast (or a vocabulary with the blank last)");
                }
            }
        }
        else if (metadata.Classes is not null)
        {
            // An encoder that states classes is probably a whole recogniser loaded as an encoder.
            throw Mismatch(modelName, $"states nko.classes = {metadata.Classes}: it looks like a CTC model, not an encoder", "load it as an acoustic model (IAcousticModel) rather than an encoder");
        }

        return new AcousticInputContract
        {
            Kind = kind,
            Dimension = dimension,
            WindowFrames = window,
            IsWindowFixed = timeAxis.FixedInputFrames is not null,
            SampleRate = logMel ? metadata.SampleRate ?? WhisperSampleRate : null,
            FrontEnd = metadata.FrontEnd ?? (logMel ? AcousticModelMetadata.WhisperLogMel : null),
            FrameReduction = timeAxis.FrameReduction,
            WindowOutputFrames = windowOutput,
            Classes = classes,
            BlankIndex = blank,
        };
    }

    private static AcousticModelException Mismatch(string modelName, string what, string fix) =>
        new($"Model '{modelName}' {what}; {fix}.");
}
