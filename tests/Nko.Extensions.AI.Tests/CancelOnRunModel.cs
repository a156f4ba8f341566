using Nko.Asr;
using Nko.Ctc;

namespace Nko.Extensions.AI.Tests;

/// <summary>The bundled model, counting its runs and cancelling a token when a given run starts (cancellation during a call).</summary>
internal sealed class CancelOnRunModel(IAcousticModel inner, CancellationTokenSource cancel, int cancelOnRun) : IAcousticModel
{
    private int _runs;

    public int Runs => Volatile.Read(ref _runs);

    public CtcVocabulary Vocabulary => inner.Vocabulary;

    public int FeatureDimension => inner.FeatureDimension;

    public AcousticInputContract InputContract => inner.InputContract;

    public int GetOutputFrames(int inputFrames) => inner.GetOutputFrames(inputFrames);

    public LogProbMatrix Run(AcousticFeatures features) => Run(features, CancellationToken.None);

    public int Run(AcousticFeatures features, Span<float> destination) => throw new NotSupportedException();

    public LogProbMatrix Run(AcousticFeatures features, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _runs) == cancelOnRun)
        {
            cancel.Cancel(); // the run itself completes: the pipeline must notice before the correction and the next window
        }

        return inner.Run(features);
    }

    public ValueTask<LogProbMatrix> RunAsync(AcousticFeatures features, CancellationToken cancellationToken = default) => new(Run(features, cancellationToken));

    public void Dispose()
    {
    }
}
