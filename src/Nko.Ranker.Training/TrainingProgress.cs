namespace Nko.Ranker.Training;

/// <summary>Progress of a long training step.</summary>
/// <param name="Stage">What is running.</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in the stage.</param>
public readonly record struct TrainingProgress(string Stage, int Done, int Total);
