namespace Nko.Extensions.AI.Tests;

/// <summary>Tests that listen to the process-wide meters and activity sources run alone, so they see only their own calls.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;
