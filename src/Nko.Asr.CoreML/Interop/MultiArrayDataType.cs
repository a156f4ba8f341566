namespace Nko.Asr.CoreML.Interop;

/// <summary>CoreML's <c>MLMultiArrayDataType</c> values (element kind in the high bits, element size in bits in the low byte).</summary>
internal enum MultiArrayDataType : long
{
    /// <summary>Not a multi-array, or unknown.</summary>
    Unknown = 0,

    /// <summary><c>MLMultiArrayDataTypeFloat16</c> (macOS 12, iOS 16 or Mac Catalyst 16 or later).</summary>
    Float16 = 0x10010,

    /// <summary><c>MLMultiArrayDataTypeFloat32</c>.</summary>
    Float32 = 0x10020,

    /// <summary><c>MLMultiArrayDataTypeDouble</c>.</summary>
    Float64 = 0x10040,

    /// <summary><c>MLMultiArrayDataTypeInt32</c>.</summary>
    Int32 = 0x20020,
}

internal static class MultiArrayDataTypes
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(MultiArrayDataType type) => type switch
    {
        MultiArrayDataType.Float16 => 2,
        MultiArrayDataType.Float32 or MultiArrayDataType.Int32 => 4,
        MultiArrayDataType.Float64 => 8,
        _ => throw new NotSupportedException($"Unsupported MLMultiArray data type 0x{(long)type:X}."),
    };

    public static bool IsFloatingPoint(MultiArrayDataType type) =>
        type is MultiArrayDataType.Float16 or MultiArrayDataType.Float32 or MultiArrayDataType.Float64;

    public static string Name(MultiArrayDataType type) => type switch
    {
        MultiArrayDataType.Float16 => "float16",
        MultiArrayDataType.Float32 => "float32",
        MultiArrayDataType.Float64 => "float64",
        MultiArrayDataType.Int32 => "int32",
        _ => $"0x{(long)type:X}",
    };
}
