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
/// The input and output an <see cref="OnnxAcousticModel"/> uses, resolved from the model's metadata and the options and
/// validated with errors that name the model, the tensor and the fix.
/// </summary>
internal sealed class OnnxModelSignature
{
    private OnnxModelSignature(OnnxTensorDescription input, OnnxTensorDescription output)
    {
        Input = input;
        Output = output;
    }

    public OnnxTensorDescription Input { get; }

    public OnnxTensorDescription Output { get; }

    /// <summary>Whether the input is <c>[batch, T, D]</c> (rank 3) rather than <c>[T, D]</c>.</summary>
    public bool InputHasBatch => Input.Dimensions.Length == 3;

    /// <summary>Whether the output is <c>[batch, T, C]</c> (rank 3) rather than <c>[T, C]</c>.</summary>
    public bool OutputHasBatch => Output.Dimensions.Length == 3;

    public bool InputIsHalf => Input.ElementType == TensorElementType.Float16;

    public bool OutputIsHalf => Output.ElementType == TensorElementType.Float16;

    public int FeatureDimension => Input.Dimensions[^1];

    /// <summary>The fixed input time length, or -1 when the time axis is dynamic.</summary>
    public int InputFrames => Input.Dimensions[^2];

    /// <summary>The fixed output time length, or -1 when dynamic.</summary>
    public int OutputFrames => Output.Dimensions[^2];

    /// <summary>The fixed class count, or -1 when dynamic.</summary>
    public int Classes => Output.Dimensions[^1];

    public static OnnxModelSignature Resolve(
        string model,
        IReadOnlyList<OnnxTensorDescription> inputs,
        IReadOnlyList<OnnxTensorDescription> outputs,
        AcousticModelOptions options)
    {
        OnnxTensorDescription input = Pick(model, "input", inputs, options.InputName, nameof(AcousticModelOptions.InputName));
        OnnxTensorDescription output = Pick(model, "output", outputs, options.OutputName, nameof(AcousticModelOptions.OutputName));
        CheckTensor(model, "input", input, "[1, T, D] or [T, D]");
        CheckTensor(model, "output", output, "[1, T, C] or [T, C]");
        if (input.Dimensions[^1] <= 0)
        {
            throw new AcousticModelException(
                $"Model '{model}': input {input} has a dynamic feature width; the back end needs a fixed width D in the last dimension.");
        }

        int classes = output.Dimensions[^1];
        int expected = options.Vocabulary.Count;
        if (classes > 0 && classes != expected)
        {
            throw ClassMismatch(model, output.ToString(), classes, options);
        }

        return new OnnxModelSignature(input, output);
    }

    public static AcousticModelException ClassMismatch(string model, string output, int classes, AcousticModelOptions options) =>
        new(string.Create(
            CultureInfo.InvariantCulture,
            $"Model '{model}': output {output} has {classes} classes but the vocabulary has {options.Vocabulary.Count} (blank at {options.Vocabulary.BlankIndex}); set AcousticModelOptions.Vocabulary to the vocabulary the model was trained with."));

    private static OnnxTensorDescription Pick(
        string model, string role, IReadOnlyList<OnnxTensorDescription> tensors, string? name, string optionName)
    {
        if (name is not null)
        {
            foreach (OnnxTensorDescription t in tensors)
            {
                if (t.Name == name)
                {
                    return t;
                }
            }

            throw new AcousticModelException(
                $"Model '{model}' has no {role} named '{name}'; its {role}s are {List(tensors)}. Fix AcousticModelOptions.{optionName}.");
        }

        if (tensors.Count != 1)
        {
            throw new AcousticModelException(
                $"Model '{model}' has {tensors.Count} {role}s ({List(tensors)}); name the one to use with AcousticModelOptions.{optionName}.");
        }

        return tensors[0];
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

    private static string List(IReadOnlyList<OnnxTensorDescription> tensors) =>
        tensors.Count == 0 ? "none" : string.Join(", ", tensors);
}
