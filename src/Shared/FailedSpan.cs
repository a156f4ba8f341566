// Compiled into each package that traces (linked from its csproj), so the packages mark a failed span alike without a
// public helper: Nko.Ranker (RankerTelemetry) and Nko.Speech (SpeechTelemetry).
using System.Diagnostics;

namespace Nko.Diagnostics;

/// <summary>Marks a traced call that failed.</summary>
internal static class FailedSpan
{
    /// <summary>Tags the span, if any, with the exception's type (<c>error.type</c>) and sets an error status.</summary>
    public static void Mark(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
    }
}
