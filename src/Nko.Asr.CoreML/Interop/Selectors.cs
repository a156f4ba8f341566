using System.Runtime.InteropServices;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Classes and selectors, looked up once on first use (only on Apple platforms). Selector names follow Apple's headers
/// (<c>CoreML/*.h</c>, <c>Foundation/*.h</c>); xamarin-macios' <c>src/coreml.cs</c> lists the same ones.
/// </summary>
internal static class Selectors
{
    internal const string CoreMLFramework = "/System/Library/Frameworks/CoreML.framework/CoreML";
    internal const string FoundationFramework = "/System/Library/Frameworks/Foundation.framework/Foundation";

    // Static initialisers run in text order: load the frameworks first, since CoreML's classes exist only once it is loaded.
    private static readonly nint FoundationHandle = NativeLibrary.Load(FoundationFramework);
    private static readonly nint CoreMLHandle = NativeLibrary.Load(CoreMLFramework);

    internal static readonly nint NSString = Class("NSString");
    internal static readonly nint NSURL = Class("NSURL");
    internal static readonly nint NSNumber = Class("NSNumber");
    internal static readonly nint NSArray = Class("NSArray");
    internal static readonly nint NSDictionary = Class("NSDictionary");
    internal static readonly nint MLModel = Class("MLModel");
    internal static readonly nint MLModelConfiguration = Class("MLModelConfiguration");
    internal static readonly nint MLMultiArray = Class("MLMultiArray");
    internal static readonly nint MLFeatureValue = Class("MLFeatureValue");
    internal static readonly nint MLDictionaryFeatureProvider = Class("MLDictionaryFeatureProvider");

    internal static readonly nint Alloc = ObjC.GetSelector("alloc");
    internal static readonly nint Init = ObjC.GetSelector("init");
    internal static readonly nint StringWithUtf8String = ObjC.GetSelector("stringWithUTF8String:");
    internal static readonly nint Utf8String = ObjC.GetSelector("UTF8String");
    internal static readonly nint FileUrlWithPath = ObjC.GetSelector("fileURLWithPath:");
    internal static readonly nint Path = ObjC.GetSelector("path");
    internal static readonly nint NumberWithLongLong = ObjC.GetSelector("numberWithLongLong:");
    internal static readonly nint LongLongValue = ObjC.GetSelector("longLongValue");
    internal static readonly nint ArrayWithObjectsCount = ObjC.GetSelector("arrayWithObjects:count:");
    internal static readonly nint Count = ObjC.GetSelector("count");
    internal static readonly nint ObjectAtIndex = ObjC.GetSelector("objectAtIndex:");
    internal static readonly nint DictionaryWithObjectForKey = ObjC.GetSelector("dictionaryWithObject:forKey:");
    internal static readonly nint AllKeys = ObjC.GetSelector("allKeys");
    internal static readonly nint ObjectForKey = ObjC.GetSelector("objectForKey:");
    internal static readonly nint Domain = ObjC.GetSelector("domain");
    internal static readonly nint Code = ObjC.GetSelector("code");
    internal static readonly nint LocalizedDescription = ObjC.GetSelector("localizedDescription");
    internal static readonly nint CompileModelAtUrlError = ObjC.GetSelector("compileModelAtURL:error:");
    internal static readonly nint ModelWithContentsOfUrlConfigurationError = ObjC.GetSelector("modelWithContentsOfURL:configuration:error:");
    internal static readonly nint SetComputeUnits = ObjC.GetSelector("setComputeUnits:");
    internal static readonly nint SetAllowLowPrecisionAccumulationOnGpu = ObjC.GetSelector("setAllowLowPrecisionAccumulationOnGPU:");
    internal static readonly nint ModelDescription = ObjC.GetSelector("modelDescription");
    internal static readonly nint InputDescriptionsByName = ObjC.GetSelector("inputDescriptionsByName");
    internal static readonly nint OutputDescriptionsByName = ObjC.GetSelector("outputDescriptionsByName");
    internal static readonly nint Type = ObjC.GetSelector("type");
    internal static readonly nint MultiArrayConstraint = ObjC.GetSelector("multiArrayConstraint");
    internal static readonly nint Shape = ObjC.GetSelector("shape");
    internal static readonly nint DataType = ObjC.GetSelector("dataType");
    internal static readonly nint ShapeConstraint = ObjC.GetSelector("shapeConstraint");
    internal static readonly nint SizeRangeForDimension = ObjC.GetSelector("sizeRangeForDimension");
    internal static readonly nint EnumeratedShapes = ObjC.GetSelector("enumeratedShapes");
    internal static readonly nint RangeValue = ObjC.GetSelector("rangeValue");
    internal static readonly nint InitWithDataPointer = ObjC.GetSelector("initWithDataPointer:shape:dataType:strides:deallocator:error:");
    internal static readonly nint FeatureValueWithMultiArray = ObjC.GetSelector("featureValueWithMultiArray:");
    internal static readonly nint InitWithDictionaryError = ObjC.GetSelector("initWithDictionary:error:");
    internal static readonly nint PredictionFromFeaturesError = ObjC.GetSelector("predictionFromFeatures:error:");
    internal static readonly nint FeatureValueForName = ObjC.GetSelector("featureValueForName:");
    internal static readonly nint MultiArrayValue = ObjC.GetSelector("multiArrayValue");
    internal static readonly nint GetBytesWithHandler = ObjC.GetSelector("getBytesWithHandler:");
    internal static readonly nint RespondsToSelector = ObjC.GetSelector("respondsToSelector:");
    internal static readonly nint InstancesRespondToSelector = ObjC.GetSelector("instancesRespondToSelector:");
    internal static readonly nint Strides = ObjC.GetSelector("strides");

    /// <summary>Whether the frameworks are loaded (touching this runs the initialisers above).</summary>
    internal static bool Loaded => FoundationHandle != 0 && CoreMLHandle != 0;

    private static nint Class(string name)
    {
        nint cls = ObjC.GetClass(name);
        return cls != 0 ? cls : throw new CoreMLException($"The Objective-C class {name} is missing; this OS version lacks the CoreML API the back end needs.");
    }
}

/// <summary>The selector names the back end sends (kept apart from <see cref="Selectors"/>, whose initialiser needs Apple's frameworks).</summary>
internal static class SelectorNames
{
    /// <summary>Every selector the back end sends, by name, so tests can check the list against the headers' spelling.</summary>
    internal static readonly string[] All =
    [
        "alloc", "init",
        "stringWithUTF8String:", "UTF8String",
        "fileURLWithPath:", "path",
        "numberWithLongLong:", "longLongValue",
        "arrayWithObjects:count:", "count", "objectAtIndex:",
        "dictionaryWithObject:forKey:", "allKeys", "objectForKey:",
        "domain", "code", "localizedDescription",
        "compileModelAtURL:error:", "modelWithContentsOfURL:configuration:error:",
        "setComputeUnits:", "setAllowLowPrecisionAccumulationOnGPU:",
        "modelDescription", "inputDescriptionsByName", "outputDescriptionsByName",
        "type", "multiArrayConstraint", "shape", "dataType", "shapeConstraint", "sizeRangeForDimension", "enumeratedShapes", "rangeValue",
        "initWithDataPointer:shape:dataType:strides:deallocator:error:",
        "featureValueWithMultiArray:", "initWithDictionary:error:", "predictionFromFeatures:error:",
        "featureValueForName:", "multiArrayValue", "getBytesWithHandler:", "strides",
        "respondsToSelector:", "instancesRespondToSelector:",
    ];
}
