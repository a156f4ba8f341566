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

    private ObjCCoreMLApi()
    {
        bool loaded;
        try
        {
            loaded = S.Loaded;
            _ = ObjCBlock.Deallocator; // resolves _NSConcreteGlobalBlock now, so a failure is a CoreMLException here
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new CoreMLException($"The Objective-C block runtime could not be found: {e.Message}", e);
        }
        catch (TypeInitializationException e)
        {
            throw new CoreMLException($"CoreML.framework could not be loaded: {e.InnerException?.Message ?? e.Message}", e.InnerException ?? e);
        }

        if (!loaded)
        {
            throw new CoreMLException("CoreML.framework could not be loaded.");
        }

        // Outputs are read only through getBytesWithHandler: (dataPointer is deprecated and unbounded): refuse older OSes
        // here, in managed code, rather than send a selector the class lacks (an Objective-C exception aborts the process).
        OSRequirement bytes = OSRequirement.GetBytesWithHandler;
        if (!IsAvailable(bytes) || !SendBool(S.MLMultiArray, S.InstancesRespondToSelector, S.GetBytesWithHandler))
        {
            throw new PlatformNotSupportedException(
                $"Nko.Asr.CoreML needs {bytes.Versions} or later ({bytes.Feature}); this is {RuntimeInformation.OSDescription}. Use Nko.Asr.Onnx instead.");
        }
    }

    public static ObjCCoreMLApi Instance => LazyInstance.Value;

    private static Lazy<ObjCCoreMLApi> LazyInstance { get; } = new(() => new ObjCCoreMLApi());

    public nint PushPool() => AutoreleasePoolPush();

    public void PopPool(nint pool) => AutoreleasePoolPop(pool);

    public bool IsAvailable(OSRequirement requirement) =>
        OperatingSystem.IsMacCatalyst()
            ? OperatingSystem.IsMacCatalystVersionAtLeast(requirement.IOS.Major, requirement.IOS.Minor)
            : OperatingSystem.IsIOS()
                ? OperatingSystem.IsIOSVersionAtLeast(requirement.IOS.Major, requirement.IOS.Minor)
                : OperatingSystem.IsMacOSVersionAtLeast(requirement.MacOS.Major, requirement.MacOS.Minor);

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
            // The value was checked against this OS by the caller (OSRequirement.ForComputeUnits): an unknown value raises.
            SendVoid(configuration, S.SetComputeUnits, (nint)(long)options.ComputeUnits);
            if (SendBool(configuration, S.RespondsToSelector, S.SetAllowLowPrecisionAccumulationOnGpu))
            {
                SendVoid(configuration, S.SetAllowLowPrecisionAccumulationOnGpu, options.AllowLowPrecisionAccumulationOnGpu);
            }
            else if (options.AllowLowPrecisionAccumulationOnGpu)
            {
                throw new CoreMLException("This OS's MLModelConfiguration has no allowLowPrecisionAccumulationOnGPU; leave AllowLowPrecisionAccumulationOnGpu false.");
            }
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
            ObjCBlock.Deallocator, // unpins the memory (InputLease.Deallocated) only once CoreML lets go of it
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
        nint key = NSString(inputName);
        if (value == 0 || key == 0)
        {
            // dictionaryWithObject:forKey: raises on nil, and an Objective-C exception aborts the process.
            throw new CoreMLException($"CoreML could not wrap the input '{inputName}' as a feature value.");
        }

        nint dictionary = Send(S.NSDictionary, S.DictionaryWithObjectForKey, value, key);
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

    public void ReadOutput(nint prediction, string outputName, OutputRequest request)
    {
        nint name = NSString(outputName);
        nint value = name == 0 ? 0 : Send(prediction, S.FeatureValueForName, name);
        if (value == 0)
        {
            throw new CoreMLException($"The prediction has no output named '{outputName}'.");
        }

        nint array = Send(value, S.MultiArrayValue);
        if (array == 0)
        {
            throw new CoreMLException($"The output '{outputName}' is not a multi-array.");
        }

        var context = new ObjCBlock.BytesContext(array, request, DescribeLentArray);
        GCHandle handle = GCHandle.Alloc(context);
        try
        {
            ObjCBlock.Literal block;
            ObjCBlock.Initialize(&block, ObjCBlock.GlobalBlockClass, ObjCBlock.BytesHandlerInvoke, ObjCBlock.BytesHandlerDescriptor, GCHandle.ToIntPtr(handle));
            SendVoid(array, S.GetBytesWithHandler, (nint)(&block)); // synchronous: the handler has run when this returns
        }
        finally
        {
            handle.Free();
        }

        if (!request.Ran)
        {
            throw new CoreMLException($"CoreML did not call the getBytesWithHandler: handler of the output '{outputName}'.");
        }
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

    // Inside the getBytesWithHandler: handler: Apple says shape and strides may change, so they are read while lent.
    private static MultiArrayView DescribeLentArray(nint array, nint bytes, long size) =>
        new(
            bytes,
            size,
            (MultiArrayDataType)SendInt64(array, S.DataType),
            ReadInt64Array(Send(array, S.Shape)),
            ReadInt64Array(Send(array, S.Strides)));

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
            nint constraint = feature == 0 || SendInt64(feature, S.Type) != MultiArrayFeatureType ? 0 : Send(feature, S.MultiArrayConstraint);
            if (constraint == 0)
            {
                features.Add(new CoreMLFeatureDescription(name, false, MultiArrayDataType.Unknown, []));
                continue;
            }

            long[] defaultShape = ReadInt64Array(Send(constraint, S.Shape));
            var type = (MultiArrayDataType)SendInt64(constraint, S.DataType);
            long[] shape = ReadShape(constraint, defaultShape);
            features.Add(new CoreMLFeatureDescription(name, true, type, shape));
        }

        features.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name)); // allKeys has no defined order
        return features;
    }

    // Gathers the shape constraint's numbers; DimensionRange.Resolve applies the rules.
    private static long[] ReadShape(nint constraint, long[] defaultShape)
    {
        nint shapeConstraint = SendBool(constraint, S.RespondsToSelector, S.ShapeConstraint) ? Send(constraint, S.ShapeConstraint) : 0;
        if (shapeConstraint == 0)
        {
            return DimensionRange.Resolve(defaultShape, ShapeConstraintKind.Unspecified, [], null);
        }

        var kind = (ShapeConstraintKind)SendInt64(shapeConstraint, S.Type);
        NSRange[] ranges = [];
        List<long[]>? enumerated = null;
        if (kind == ShapeConstraintKind.Range)
        {
            nint values = Send(shapeConstraint, S.SizeRangeForDimension);
            long count = values == 0 ? 0 : SendInt64(values, S.Count);
            ranges = new NSRange[count];
            for (long d = 0; d < count; d++)
            {
                ranges[d] = SendRange(SendIndex(values, S.ObjectAtIndex, (nuint)d), S.RangeValue);
            }
        }
        else if (kind == ShapeConstraintKind.Enumerated)
        {
            nint shapes = Send(shapeConstraint, S.EnumeratedShapes);
            long count = shapes == 0 ? 0 : SendInt64(shapes, S.Count);
            enumerated = [];
            for (long i = 0; i < count; i++)
            {
                enumerated.Add(ReadInt64Array(SendIndex(shapes, S.ObjectAtIndex, (nuint)i)));
            }
        }

        try
        {
            return DimensionRange.Resolve(defaultShape, kind, ranges, enumerated);
        }
        catch (FormatException e)
        {
            throw new CoreMLException($"CoreML described a shape constraint the back end cannot read: {e.Message}", e);
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

    private static nint FileUrl(string path)
    {
        nint text = NSString(Path.GetFullPath(path));
        // fileURLWithPath: raises on nil (an Objective-C exception aborts the process).
        return text != 0 ? Send(S.NSURL, S.FileUrlWithPath, text) : throw new CoreMLException($"The path '{path}' cannot be passed to CoreML.");
    }

    private static string? ToManagedString(nint nsString) =>
        nsString == 0 ? null : Marshal.PtrToStringUTF8(Send(nsString, S.Utf8String));
}
