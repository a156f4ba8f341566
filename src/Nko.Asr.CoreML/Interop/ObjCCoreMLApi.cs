using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using static Nko.Asr.CoreML.Interop.ObjC;
using S = Nko.Asr.CoreML.Interop.Selectors;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// <see cref="ICoreMLApi"/> over the Objective-C runtime. Every method must run inside an autorelease pool pushed by the
/// caller (<see cref="PushPool"/>); objects created with <c>alloc</c>/<c>init</c> are released here or handed back as
/// "retained"; everything else is autoreleased into the caller's pool.
/// </summary>
[SupportedOSPlatform("macos")]
[SupportedOSPlatform("ios")]
[SupportedOSPlatform("maccatalyst")]
internal sealed unsafe class ObjCCoreMLApi : ICoreMLApi
{
    private const long MultiArrayFeatureType = 5; // MLFeatureTypeMultiArray
    private const long EnumeratedShapeConstraint = 2; // MLMultiArrayShapeConstraintTypeEnumerated
    private const long RangeShapeConstraint = 3; // MLMultiArrayShapeConstraintTypeRange

    private ObjCCoreMLApi()
    {
        bool loaded;
        try
        {
            loaded = S.Loaded;
        }
        catch (TypeInitializationException e)
        {
            throw new CoreMLException($"CoreML.framework could not be loaded: {e.InnerException?.Message ?? e.Message}", e.InnerException ?? e);
        }

        if (!loaded)
        {
            throw new CoreMLException("CoreML.framework could not be loaded.");
        }
    }

    public static ObjCCoreMLApi Instance => LazyInstance.Value;

    private static Lazy<ObjCCoreMLApi> LazyInstance { get; } = new(() => new ObjCCoreMLApi());

    public nint PushPool() => AutoreleasePoolPush();

    public void PopPool(nint pool) => AutoreleasePoolPop(pool);

    public string Compile(string modelPath)
    {
        nint error = 0;
        nint compiled = Send(S.MLModel, S.CompileModelAtUrlError, FileUrl(modelPath), (nint)(&error));
        if (compiled == 0)
        {
            throw Error($"compiling '{modelPath}'", error);
        }

        return ToManagedString(Send(compiled, S.Path)) ?? throw new CoreMLException($"CoreML compiled '{modelPath}' but returned no path.");
    }

    public nint Load(string compiledModelPath, CoreMLModelOptions options)
    {
        nint configuration = Send(Send(S.MLModelConfiguration, S.Alloc), S.Init);
        if (configuration == 0)
        {
            throw new CoreMLException("CoreML could not create an MLModelConfiguration.");
        }

        try
        {
            SendVoid(configuration, S.SetComputeUnits, (nint)(long)options.ComputeUnits);
            SendVoid(configuration, S.SetAllowLowPrecisionAccumulationOnGpu, options.AllowLowPrecisionAccumulationOnGpu);
            nint error = 0;
            nint model = Send(S.MLModel, S.ModelWithContentsOfUrlConfigurationError, FileUrl(compiledModelPath), configuration, (nint)(&error));
            if (model == 0)
            {
                throw Error($"loading '{compiledModelPath}'", error);
            }

            return Retain(model); // autoreleased by the factory method: keep it beyond the pool
        }
        finally
        {
            Release(configuration);
        }
    }

    public CoreMLModelDescription Describe(nint model)
    {
        nint description = Send(model, S.ModelDescription);
        return new CoreMLModelDescription(
            ReadFeatures(Send(description, S.InputDescriptionsByName)),
            ReadFeatures(Send(description, S.OutputDescriptionsByName)));
    }

    public nint CreateMultiArray(void* data, MultiArrayDataType type, long[] shape, long[] strides)
    {
        nint error = 0;
        nint array = Send(
            Send(S.MLMultiArray, S.Alloc),
            S.InitWithDataPointer,
            (nint)data,
            NumberArray(shape),
            (nint)(long)type,
            NumberArray(strides),
            0, // no deallocator: the caller owns and pins the memory and releases the array before unpinning
            (nint)(&error));
        if (array == 0)
        {
            throw Error($"wrapping the input as an MLMultiArray {MultiArrayDataTypes.Name(type)} [{MultiArrayLayout.Join(shape)}]", error);
        }

        return array;
    }

    public nint Predict(nint model, string inputName, nint array)
    {
        nint value = Send(S.MLFeatureValue, S.FeatureValueWithMultiArray, array);
        nint dictionary = Send(S.NSDictionary, S.DictionaryWithObjectForKey, value, NSString(inputName));
        nint error = 0;
        nint provider = Send(Send(S.MLDictionaryFeatureProvider, S.Alloc), S.InitWithDictionaryError, dictionary, (nint)(&error));
        if (provider == 0)
        {
            throw Error($"building the input features for '{inputName}'", error);
        }

        try
        {
            error = 0;
            nint prediction = Send(model, S.PredictionFromFeaturesError, provider, (nint)(&error));
            return prediction != 0 ? prediction : throw Error("running a prediction", error);
        }
        finally
        {
            Release(provider);
        }
    }

    public MultiArrayView GetOutput(nint prediction, string outputName)
    {
        nint value = Send(prediction, S.FeatureValueForName, NSString(outputName));
        if (value == 0)
        {
            throw new CoreMLException($"The prediction has no output named '{outputName}'.");
        }

        nint array = Send(value, S.MultiArrayValue);
        if (array == 0)
        {
            throw new CoreMLException($"The output '{outputName}' is not a multi-array.");
        }

        return new MultiArrayView(
            Send(array, S.DataPointer),
            (MultiArrayDataType)SendInt64(array, S.DataType),
            ReadInt64Array(Send(array, S.Shape)),
            ReadInt64Array(Send(array, S.Strides)));
    }

    public void Release(nint handle) => ObjC.Release(handle);

    private static CoreMLException Error(string operation, nint error)
    {
        if (error == 0)
        {
            return new CoreMLException(operation, null, 0, null);
        }

        return new CoreMLException(
            operation,
            ToManagedString(Send(error, S.Domain)) ?? "(unknown domain)",
            SendInt64(error, S.Code),
            ToManagedString(Send(error, S.LocalizedDescription)));
    }

    private static List<CoreMLFeatureDescription> ReadFeatures(nint dictionary)
    {
        var features = new List<CoreMLFeatureDescription>();
        if (dictionary == 0)
        {
            return features;
        }

        nint keys = Send(dictionary, S.AllKeys);
        long count = SendInt64(keys, S.Count);
        for (long i = 0; i < count; i++)
        {
            nint key = SendIndex(keys, S.ObjectAtIndex, (nuint)i);
            nint feature = Send(dictionary, S.ObjectForKey, key);
            string name = ToManagedString(key) ?? string.Empty;
            if (SendInt64(feature, S.Type) != MultiArrayFeatureType)
            {
                features.Add(new CoreMLFeatureDescription(name, false, MultiArrayDataType.Unknown, []));
                continue;
            }

            nint constraint = Send(feature, S.MultiArrayConstraint);
            long[] shape = ReadInt64Array(Send(constraint, S.Shape));
            var type = (MultiArrayDataType)SendInt64(constraint, S.DataType);
            MarkFlexibleDimensions(Send(constraint, S.ShapeConstraint), shape);
            for (int d = 0; d < shape.Length; d++)
            {
                if (shape[d] <= 0)
                {
                    shape[d] = -1;
                }
            }

            features.Add(new CoreMLFeatureDescription(name, true, type, shape));
        }

        features.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name)); // allKeys has no defined order
        return features;
    }

    private static void MarkFlexibleDimensions(nint shapeConstraint, long[] shape)
    {
        if (shapeConstraint == 0)
        {
            return;
        }

        long kind = SendInt64(shapeConstraint, S.Type);
        if (kind == RangeShapeConstraint)
        {
            nint ranges = Send(shapeConstraint, S.SizeRangeForDimension);
            long count = Math.Min(SendInt64(ranges, S.Count), shape.Length);
            for (long d = 0; d < count; d++)
            {
                NSRange range = SendRange(SendIndex(ranges, S.ObjectAtIndex, (nuint)d), S.RangeValue);
                if (range.Length != 0)
                {
                    shape[d] = -1;
                }
            }
        }
        else if (kind == EnumeratedShapeConstraint)
        {
            nint shapes = Send(shapeConstraint, S.EnumeratedShapes);
            long count = SendInt64(shapes, S.Count);
            for (long i = 0; i < count; i++)
            {
                long[] other = ReadInt64Array(SendIndex(shapes, S.ObjectAtIndex, (nuint)i));
                for (int d = 0; d < Math.Min(other.Length, shape.Length); d++)
                {
                    if (other[d] != shape[d])
                    {
                        shape[d] = -1;
                    }
                }
            }
        }
    }

    private static long[] ReadInt64Array(nint array)
    {
        if (array == 0)
        {
            return [];
        }

        long count = SendInt64(array, S.Count);
        long[] values = new long[count];
        for (long i = 0; i < count; i++)
        {
            values[i] = SendInt64(SendIndex(array, S.ObjectAtIndex, (nuint)i), S.LongLongValue);
        }

        return values;
    }

    private static nint NumberArray(long[] values)
    {
        nint* numbers = stackalloc nint[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            numbers[i] = Send(S.NSNumber, S.NumberWithLongLong, (nint)values[i]);
        }

        return Send(S.NSArray, S.ArrayWithObjectsCount, (nint)numbers, values.Length);
    }

    private static nint NSString(string value)
    {
        byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, utf8);
        fixed (byte* p = utf8)
        {
            return Send(S.NSString, S.StringWithUtf8String, (nint)p);
        }
    }

    private static nint FileUrl(string path) => Send(S.NSURL, S.FileUrlWithPath, NSString(Path.GetFullPath(path)));

    private static string? ToManagedString(nint nsString) =>
        nsString == 0 ? null : Marshal.PtrToStringUTF8(Send(nsString, S.Utf8String));
}
