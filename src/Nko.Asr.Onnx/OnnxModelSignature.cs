using System.Globalization;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Nko.Asr;

namespace Nko.Asr.Onnx;

/// <summary>One tensor of a model's signature: name, element type and dimensions (-1 = dynamic).</summary>
internal readonly record struct OnnxTensorDescription(string Name, bool IsTensor, TensorElementType ElementType, int[] Dimensions)
{
    public static OnnxTensorDescription From(string name, NodeMetadata metadata) =>
        new(name, metadata.IsTensor, metadata.IsTensor ? metadata.ElementDataType : default, metadata.IsTensor ? metadata.Dimensions : []);

    public override string ToString()
    {
        if (!IsTensor)
        {
            return $"'{Name}' (not a tensor)";
        }

        var sb = new StringBuilder();
        sb.Append('\'').Append(Name).Append("' ").Append(TypeName(ElementType)).Append(" [");
        for (int i = 0; i < Dimensions.Length; i++)
        {
            sb.Append(i == 0 ? string.Empty : ", ").Append(Dimensions[i] < 0 ? "?" : Dimensions[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(']').ToString();
    }

    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// The input and output an ONNX model uses (a CTC model or an encoder), resolved from the model's metadata, its
/// signature and the options, and validated with errors that name the model, the tensor and the fix.
/// </summary>
internal sealed class OnnxModelSignature
{
    private OnnxModelSignature(OnnxTensorDescription input, OnnxTensorDescription output, AcousticInputKind kind)
    {
        Input = input;
        Output = output;
        InputKind = kind;
    }

    public OnnxTensorDescription Input { get; }

    public OnnxTensorDescription Output { get; }

    /// <summary>Features <c>[(1,) T, D]</c> or log-mel <c>[(1,) mels, T]</c>.</summary>
    public AcousticInputKind InputKind { get; }

    /// <summary>Whether the input is rank 3 (with a batch of 1) rather than rank 2.</summary>
    public bool InputHasBatch => Input.Dimensions.Length == 3;

    /// <summary>Whether the output is <c>[batch, T, W]</c> (rank 3) rather than <c>[T, W]</c>.</summary>
    public bool OutputHasBatch => Output.Dimensions.Length == 3;

    public bool InputIsHalf => Input.ElementType == TensorElementType.Float16;

    public bool OutputIsHalf => Output.ElementType == TensorElementType.Float16;

    /// <summary>The input width: D for features, mel bands for log-mel.</summary>
    public int FeatureDimension => InputKind == AcousticInputKind.LogMel ? Input.Dimensions[^2] : Input.Dimensions[^1];

    /// <summary>The fixed input time length, or -1 when the time axis is dynamic.</summary>
    public int InputFrames => InputKind == AcousticInputKind.LogMel ? Input.Dimensions[^1] : Input.Dimensions[^2];

    /// <summary>The fixed output time length, or -1 when dynamic.</summary>
    public int OutputFrames => Output.Dimensions[^2];

    /// <summary>The fixed output width (classes, or an encoder's D), or -1 when dynamic.</summary>
    public int Classes => Output.Dimensions[^1];

    /// <summary>The input shape of one run of <paramref name="frames"/> frames.</summary>
    public long[] InputShape(int frames, int dimension) => InputKind == AcousticInputKind.LogMel
        ? (InputHasBatch ? [1, dimension, frames] : [dimension, frames])
        : (InputHasBatch ? [1, frames, dimension] : [frames, dimension]);

    /// <summary>Describes the input for messages, with its kind: e.g. <c>'input_features' float32 [1, 80, ?] (log-mel [mels, frames])</c>.</summary>
    public string DescribeInput() =>
        Input + (InputKind == AcousticInputKind.LogMel ? " (log-mel [mels, frames])" : " (features [frames, D])");

    public static OnnxModelSignature Resolve(
        string model,
        IReadOnlyList<OnnxTensorDescription> inputs,
        IReadOnlyList<OnnxTensorDescription> outputs,
        AcousticModelOptions options,
        AcousticModelMetadata metadata,
        bool isCtcModel)
    {
        OnnxTensorDescription input = BackEndSignature.Pick(model, "input", inputs, static d => d.Name, options.InputName, nameof(AcousticModelOptions.InputName));
        OnnxTensorDescription output = BackEndSignature.Pick(model, "output", outputs, static d => d.Name, options.OutputName, nameof(AcousticModelOptions.OutputName));
        CheckTensor(model, "input", input, "[1, T, D], [T, D], [1, mels, T] or [mels, T]");
        CheckTensor(model, "output", output, isCtcModel ? "[1, T, C] or [T, C]" : "[1, T, D] or [T, D]");
        AcousticInputKind kind = AcousticInputContract.ResolveKind(model, options, metadata, KindFromSignature(input));
        var signature = new OnnxModelSignature(input, output, kind);
        if (signature.FeatureDimension <= 0)
        {
            throw new AcousticModelException(kind == AcousticInputKind.LogMel
                ? $"Model '{model}': input {input} read as log-mel [mels, frames] has a dynamic mel dimension; the back end needs a fixed number of mel bands."
                : $"Model '{model}': input {input} has a dynamic feature width; the back end needs a fixed width D in the last dimension.");
        }

        int width = output.Dimensions[^1];
        if (isCtcModel)
        {
            int expected = options.Vocabulary.Count;
            if (width > 0 && width != expected)
            {
                throw BackEndSignature.ClassMismatch(model, output.ToString(), width, options);
            }
        }
        else if (width <= 0)
        {
            throw new AcousticModelException($"Model '{model}': output {output} has a dynamic feature width; an encoder's output needs a fixed width D in the last dimension.");
        }

        return signature;
    }

    /// <summary>
    /// The kind the shape and name suggest: the dynamic one of the last two dimensions is time; with both fixed, the
    /// Whisper encoder export's name <c>input_features</c> means log-mel; otherwise features.
    /// </summary>
    private static AcousticInputKind KindFromSignature(OnnxTensorDescription input)
    {
        int a = input.Dimensions[^2], b = input.Dimensions[^1];
        if (a > 0 && b <= 0)
        {
            return AcousticInputKind.LogMel;
        }

        if (a <= 0 && b > 0)
        {
            return AcousticInputKind.Features;
        }

        return input.Name == "input_features" ? AcousticInputKind.LogMel : AcousticInputKind.Features;
    }

    private static void CheckTensor(string model, string role, OnnxTensorDescription t, string shapes)
    {
        if (!t.IsTensor)
        {
            throw new AcousticModelException($"Model '{model}': {role} {t} must be a dense tensor.");
        }

        if (t.ElementType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new AcousticModelException($"Model '{model}': {role} {t} must hold float32 or float16.");
        }

        int rank = t.Dimensions.Length;
        if (rank is not (2 or 3))
        {
            throw new AcousticModelException(
                string.Create(CultureInfo.InvariantCulture, $"Model '{model}': {role} {t} has rank {rank}; {shapes} expected."));
        }

        if (rank == 3 && t.Dimensions[0] is not (1 or -1))
        {
            throw new AcousticModelException(
                string.Create(CultureInfo.InvariantCulture, $"Model '{model}': {role} {t} has a fixed batch of {t.Dimensions[0]}; the back end runs one utterance at a time (batch 1 or dynamic)."));
        }
    }
}
