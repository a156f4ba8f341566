namespace Nko.Data;

/// <summary>Element types of <c>.npy</c> files this library reads and writes.</summary>
public enum NpyDataType
{
    /// <summary>IEEE binary16, little-endian (<c>&lt;f2</c>).</summary>
    Float16,

    /// <summary>IEEE binary32, little-endian (<c>&lt;f4</c>).</summary>
    Float32,
}
