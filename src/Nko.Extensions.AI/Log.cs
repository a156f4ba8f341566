using Microsoft.Extensions.Logging;

namespace Nko.Extensions.AI;

/// <summary>Source-generated log messages at the package's boundaries (loading, failures); never per window or frame.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Loaded ranker config '{ConfigName}' from {Path} in {ElapsedMs:F0} ms (default mode {Mode}).")]
    public static partial void ConfigLoaded(ILogger logger, string configName, string path, double elapsedMs, string mode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded acoustic model {Path} in {ElapsedMs:F0} ms.")]
    public static partial void ModelLoaded(ILogger logger, string path, double elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Could not load {What} from {Path}.")]
    public static partial void LoadFailed(ILogger logger, string what, string path, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Speech to text failed ({ModelId}).")]
    public static partial void TranscriptionFailed(ILogger logger, string? modelId, Exception exception);
}
