namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// The CoreML operations the back end needs, behind a seam: the real implementation sends Objective-C messages
/// (<see cref="ObjCCoreMLApi"/>); tests substitute a managed fake to exercise the back end's logic (validation, pools,
/// release balance, error mapping, layout) on any OS.
/// </summary>
/// <remarks>
/// Handles are Objective-C object pointers. "Retained" results belong to the caller, who must <see cref="Release"/> them;
/// "autoreleased" results live until the enclosing <see cref="PopPool"/>. Failures throw <see cref="CoreMLException"/>
/// built from the <c>NSError</c>.
/// </remarks>
internal interface ICoreMLApi
{
    /// <summary>Pushes an autorelease pool (a .NET thread has none of its own).</summary>
    nint PushPool();

    /// <summary>Pops the pool, releasing every object autoreleased since the push.</summary>
    void PopPool(nint pool);

    /// <summary>Compiles a <c>.mlmodel</c> or <c>.mlpackage</c>; returns the path of the compiled <c>.mlmodelc</c> (in a temporary folder).</summary>
    string Compile(string modelPath);

    /// <summary>Loads a compiled model; returns it retained.</summary>
    nint Load(string compiledModelPath, CoreMLModelOptions options);

    /// <summary>Reads the model's input and output descriptions.</summary>
    CoreMLModelDescription Describe(nint model);

    /// <summary>Whether this OS version has an API (checked before using it: an Objective-C exception aborts the process).</summary>
    bool IsAvailable(OSRequirement requirement);

    /// <summary>
    /// Wraps memory pinned by an <see cref="InputLease"/> as an <c>MLMultiArray</c> without copying; returns it retained.
    /// The array's deallocator calls <see cref="InputLease.Deallocated"/> with <paramref name="data"/> when CoreML lets go.
    /// </summary>
    unsafe nint CreateMultiArray(void* data, MultiArrayDataType type, long[] shape, long[] strides);

    /// <summary>Runs a prediction with <paramref name="array"/> as the input named <paramref name="inputName"/>; returns the autoreleased output provider.</summary>
    nint Predict(nint model, string inputName, nint array);

    /// <summary>
    /// Lends the bytes of the multi-array output <paramref name="outputName"/> to <see cref="OutputRequest.Accept"/>, with
    /// the data type, shape and strides read while they are lent (<c>getBytesWithHandler:</c>).
    /// </summary>
    void ReadOutput(nint prediction, string outputName, OutputRequest request);

    /// <summary>Releases a retained object.</summary>
    void Release(nint handle);
}

/// <summary>A CoreML multi-array's memory as CoreML lends it: the bytes and their size, element type, shape and element strides (which may be non-contiguous).</summary>
internal readonly record struct MultiArrayView(nint Data, long ByteCount, MultiArrayDataType DataType, long[] Shape, long[] Strides);

/// <summary>One feature of a model description: name, whether it is a multi-array, its element type and shape (-1 = flexible).</summary>
internal readonly record struct CoreMLFeatureDescription(string Name, bool IsMultiArray, MultiArrayDataType DataType, long[] Shape)
{
    public override string ToString() =>
        IsMultiArray
            ? $"'{Name}' {MultiArrayDataTypes.Name(DataType)} [{MultiArrayLayout.Join(Shape)}]"
            : $"'{Name}' (not a multi-array)";
}

/// <summary>A model's inputs and outputs.</summary>
internal sealed record CoreMLModelDescription(IReadOnlyList<CoreMLFeatureDescription> Inputs, IReadOnlyList<CoreMLFeatureDescription> Outputs);
