using System.Globalization;
using Nko.Asr.CoreML.Interop;
using Nko.Asr;

namespace Nko.Asr.CoreML;

/// <summary>The input and output the back end uses, resolved from the model description and the options, validated.</summary>
internal sealed class CoreMLModelSignature
{
    private CoreMLModelSignature(CoreMLFeatureDescription input, CoreMLFeatureDescription output)
    {
        Input = input;
        Output = output;
    }

    public CoreMLFeatureDescription Input { get; }

    public CoreMLFeatureDescription Output { get; }

    public int InputRank => Input.Shape.Length;

    public int FeatureDimension => (int)Input.Shape[^1];

    /// <summary>The fixed input time length, or -1 when flexible.</summary>
    public long InputFrames => Input.Shape[^2];

    /// <summary>The fixed output time length, or -1 when flexible or unknown.</summary>
    public long OutputFrames => Output.Shape.Length >= 2 ? Output.Shape[^2] : -1;

    /// <summary>The element type the input array is created with.</summary>
    public MultiArrayDataType InputType => Input.DataType;

    public static CoreMLModelSignature Resolve(string model, CoreMLModelDescription description, AcousticModelOptions options)
    {
        CoreMLFeatureDescription input = BackEndSignature.Pick(model, "input", description.Inputs, static d => d.Name, options.InputName, nameof(AcousticModelOptions.InputName));
        CoreMLFeatureDescription output = BackEndSignature.Pick(model, "output", description.Outputs, static d => d.Name, options.OutputName, nameof(AcousticModelOptions.OutputName));
        if (!input.IsMultiArray || !output.IsMultiArray)
        {
            throw new AcousticModelException($"Model '{model}': input {input} and output {output} must both be multi-arrays.");
        }

        if (!MultiArrayDataTypes.IsFloatingPoint(input.DataType))
        {
            throw new AcousticModelException($"Model '{model}': input {input} must hold float32, float16 or float64.");
        }

        if (input.Shape.Length is not (2 or 3))
        {
            throw new AcousticModelException(string.Create(CultureInfo.InvariantCulture, $"Model '{model}': input {input} has rank {input.Shape.Length}; [1, T, D] or [T, D] expected."));
        }

        if (input.Shape.Length == 3 && input.Shape[0] is not (1 or -1))
        {
            throw new AcousticModelException(string.Create(CultureInfo.InvariantCulture, $"Model '{model}': input {input} has a fixed batch of {input.Shape[0]}; the back end runs one utterance at a time."));
        }

        if (input.Shape[^1] <= 0)
        {
            throw new AcousticModelException($"Model '{model}': input {input} has a flexible feature width; the back end needs a fixed width D in the last dimension.");
        }

        // Sizes are products of dimensions the model file declares: checked in 64 bits against what one array holds, so a
        // corrupt or hostile description is a clear error at load instead of a wrapped cast later.
        long width = input.Shape[^1];
        long fixedFrames = input.Shape[^2];
        long outputFrames = output.Shape.Length >= 2 ? output.Shape[^2] : -1;
        if (width > Array.MaxLength || fixedFrames > Array.MaxLength || outputFrames > Array.MaxLength
            || (fixedFrames > 0 && (Int128)fixedFrames * width > Array.MaxLength))
        {
            throw new AcousticModelException(string.Create(
                CultureInfo.InvariantCulture,
                $"Model '{model}': input {input} or output {output} declares more values than one array holds ({Array.MaxLength}); the model cannot be run."));
        }

        // Output descriptions often omit the shape; check what is declared.
        if (output.Shape.Length == 1 || (output.Shape.Length > 0 && output.Shape[^1] > 0 && output.Shape[^1] != options.Vocabulary.Count))
        {
            if (output.Shape.Length == 1)
            {
                throw new AcousticModelException($"Model '{model}': output {output} has rank 1; [1, T, C] or [T, C] expected.");
            }

            throw BackEndSignature.ClassMismatch(model, output.ToString(), output.Shape[^1], options);
        }

        return new CoreMLModelSignature(input, output);
    }
}
