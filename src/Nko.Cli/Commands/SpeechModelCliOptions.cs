using System.CommandLine;
using System.Globalization;
using Nko.Asr;
using Nko.Asr.Onnx;

namespace Nko.Cli.Commands;

/// <summary>
/// The acoustic-model options of the speech commands (<c>transcribe</c>, <c>dataset</c>): <c>--model FILE.onnx</c> (one
/// network from log-mel to log-probs) or <c>--encoder FILE.onnx --head FILE.onnx</c> (chained), default the bundled
/// recogniser; <c>--threads N</c> for ONNX Runtime.
/// </summary>
internal sealed class SpeechModelCliOptions
{
    private SpeechModelCliOptions()
    {
    }

    public Option<string?> Model { get; } = new("--model")
    {
        Description = $"ONNX recogniser from Whisper log-mel [1, mels, T] to CTC log-probs. Default: the bundled {BundledSpeech.ModelPath}.",
    };

    public Option<string?> Encoder { get; } = new("--encoder") { Description = "ONNX encoder (log-mel [1, mels, T] → features [1, T', D]); use with --head instead of --model." };

    public Option<string?> Head { get; } = new("--head") { Description = "ONNX CTC head (features [1, T', D] → log-probs); use with --encoder." };

    public Option<int> Threads { get; } = CliOptions.Threads();

    public static SpeechModelCliOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Add(Model);
        command.Add(Encoder);
        command.Add(Head);
        command.Add(Threads);
    }

    public SpeechModelArguments Parse(ParseResult parseResult) =>
        new(parseResult.GetValue(Model), parseResult.GetValue(Encoder), parseResult.GetValue(Head), parseResult.GetValue(Threads));
}

/// <summary>The parsed acoustic-model options of a speech command.</summary>
internal sealed record SpeechModelArguments(string? Model, string? Encoder, string? Head, int Threads)
{
    /// <summary>Checks the combination of options (before any work starts).</summary>
    /// <exception cref="CommandLineException">The options do not name one model or one encoder + head pair.</exception>
    public void Validate()
    {
        CliOptions.CheckThreads(Threads);

        if (Model is not null && (Encoder is not null || Head is not null))
        {
            throw new CommandLineException("Give either --model or --encoder with --head, not both.");
        }

        if ((Encoder is null) != (Head is null))
        {
            throw new CommandLineException(Encoder is null ? "--head needs --encoder." : "--encoder needs --head.");
        }
    }

    /// <summary>Loads the model (or chain) the options name, or the bundled recogniser.</summary>
    /// <returns>The model and a description of it for messages.</returns>
    public (IAcousticModel Model, string Description) Load()
    {
        Validate();
        var session = new OnnxSessionOptions { IntraOpThreads = Threads };
        if (Encoder is not null && Head is not null)
        {
            OnnxAcousticEncoder? encoder = null;
            OnnxAcousticModel? head = null;
            try
            {
                encoder = new OnnxAcousticEncoder(Existing(Encoder, "--encoder"), sessionOptions: session);
                head = new OnnxAcousticModel(Existing(Head, "--head"), sessionOptions: session);
                return (new EncoderHeadChain(encoder, head), $"{Encoder} → {Head}");
            }
            catch
            {
                head?.Dispose();
                encoder?.Dispose();
                throw;
            }
        }

        if (Model is not null)
        {
            return (new OnnxAcousticModel(Existing(Model, "--model"), sessionOptions: session), Model);
        }

        string bundled = BundledSpeech.Find(BundledSpeech.ModelPath, "--model FILE.onnx");
        return (new OnnxAcousticModel(bundled, sessionOptions: session), BundledSpeech.Describe(BundledSpeech.ModelPath, bundled));
    }

    private static string Existing(string path, string option) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{option} '{path}' does not exist.", path);
}
