namespace Nko.Asr.CoreML.Interop;

/// <summary>The Apple platforms CoreML runs on, as far as version gates care (Mac Catalyst versions follow iOS's).</summary>
internal enum ApplePlatform
{
    /// <summary>macOS.</summary>
    MacOS,

    /// <summary>iOS (and iPadOS).</summary>
    IOS,

    /// <summary>Mac Catalyst (numbered like iOS).</summary>
    MacCatalyst,
}

/// <summary>
/// The first OS versions that have an API. Checked in managed code before the API is used: an Objective-C exception
/// from a missing selector or an unknown enum value would abort the process (CoreCLR cannot unwind through native frames).
/// </summary>
/// <param name="Feature">What needs the versions, for messages.</param>
/// <param name="MacOS">First macOS version.</param>
/// <param name="IOS">First iOS (and Mac Catalyst) version.</param>
internal sealed record OSRequirement(string Feature, Version MacOS, Version IOS)
{
    /// <summary><c>MLMultiArray getBytesWithHandler:</c>, the bounded read of outputs: macOS 12.3, iOS 15.4.</summary>
    public static OSRequirement GetBytesWithHandler { get; } = new("MLMultiArray getBytesWithHandler:", new(12, 3), new(15, 4));

    /// <summary><c>MLComputeUnitsCPUAndNeuralEngine</c> (3): macOS 13, iOS 16.</summary>
    public static OSRequirement CpuAndNeuralEngine { get; } = new("MLComputeUnitsCPUAndNeuralEngine", new(13, 0), new(16, 0));

    /// <summary>The requirement of a compute-units value; <see langword="null"/> when every version the back end runs on has it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a <see cref="CoreMLComputeUnits"/> value.</exception>
    public static OSRequirement? ForComputeUnits(CoreMLComputeUnits units) => units switch
    {
        CoreMLComputeUnits.CpuOnly or CoreMLComputeUnits.CpuAndGpu or CoreMLComputeUnits.All => null,
        CoreMLComputeUnits.CpuAndNeuralEngine => CpuAndNeuralEngine,
        _ => throw new ArgumentOutOfRangeException(nameof(units), units, "Not a CoreMLComputeUnits value: CoreML would raise an Objective-C exception for it."),
    };

    /// <summary>Whether <paramref name="version"/> of <paramref name="platform"/> has the API.</summary>
    public bool IsMetBy(ApplePlatform platform, Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        Version first = platform == ApplePlatform.MacOS ? MacOS : IOS;
        return Normalize(version) >= first;
    }

    /// <summary>"macOS 13.0, iOS 16.0 or Mac Catalyst 16.0".</summary>
    public string Versions => $"macOS {MacOS}, iOS {IOS} or Mac Catalyst {IOS}";

    // Version(13, 0) < Version(13, 0, 0) because an undefined build is -1: compare major.minor.build with missing parts as 0.
    private static Version Normalize(Version v) => new(v.Major, Math.Max(v.Minor, 0), Math.Max(v.Build, 0));
}
