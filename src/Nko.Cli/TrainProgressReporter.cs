using Nko.Ranker.Training;

namespace Nko.Cli;

/// <summary>Shows training progress on a terminal (one updating line on stderr) and stays quiet when stderr is redirected.</summary>
internal sealed class TrainProgressReporter : IProgress<TrainingProgress>
{
    private readonly TextWriter _writer;
    private readonly object _gate = new();
    private string _stage = string.Empty;
    private int _lastPercent = -1;

    private TrainProgressReporter(TextWriter writer) => _writer = writer;

    public static IProgress<TrainingProgress>? Create(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? new TrainProgressReporter(error) : null;

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            int percent = value.Total == 0 ? 100 : (int)(100L * value.Done / value.Total);
            if (value.Stage == _stage && percent == _lastPercent)
            {
                return;
            }

            _stage = value.Stage;
            _lastPercent = percent;
            _writer.Write($"\r{value.Stage,-14} {percent,3}% ({value.Done}/{value.Total})   ");
            if (value.Done >= value.Total)
            {
                _writer.WriteLine();
            }

            _writer.Flush();
        }
    }
}
