using System.Diagnostics;
using Nko.Ctc;
using Nko.Asr;
using Xunit.Abstractions;

namespace Nko.Asr.Onnx.Tests;

/// <summary>Parity with PyTorch for the full-size BiLSTM head, read from ../shared/models (skipped when absent).</summary>
public sealed class BiLstmParityTests(ITestOutputHelper output)
{
    private const string Model = "ctc_head_bilstm.onnx";
    private const string Features = "fixtures/features_T1500_f16.npy";
    private const string Expected = "fixtures/expected_log_probs_T1500.npy";
    private const string Greedy = "fixtures/expected_greedy_T1500.json";

    [SharedModelFact(Model, Features, Expected, Greedy)]
    public void Matches_pytorch_log_probs_and_greedy_ids_at_T_in_1500()
    {
        using var model = new OnnxAcousticModel(TestPaths.SharedModel(Model));
        AcousticFeatures features = TestData.Features(TestPaths.SharedModel(Features));
        Assert.True(features.IsHalf);
        float[] expected = TestData.Floats(TestPaths.SharedModel(Expected));

        var watch = Stopwatch.StartNew();
        LogProbMatrix result = model.Run(features);
        watch.Stop();

        Assert.Equal(375, result.Frames);
        float maxAbs = TestData.MaxAbsDiff(result.Span, expected);
        output.WriteLine($"BiLSTM head T_in=1500 (fp16 features): max abs diff vs PyTorch = {maxAbs:E3}; first run {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(maxAbs <= 1e-4f, $"max abs diff {maxAbs}");
        Assert.Equal(TestData.GreedyIdsJson(TestPaths.SharedModel(Greedy)), TestData.Greedy(result.Span, result.Classes, 0));
        Assert.Equal(FrameReduction.Ceiling(4), model.FrameReduction);
    }

    [SharedModelFact(Model, Features)]
    public void Cancellation_stops_a_long_run()
    {
        using var model = new OnnxAcousticModel(TestPaths.SharedModel(Model), sessionOptions: new OnnxSessionOptions { IntraOpThreads = 1 });
        AcousticFeatures features = TestData.Features(TestPaths.SharedModel(Features));
        using var cts = new CancellationTokenSource();

        // Cancel from a dedicated thread: a timer needs a thread-pool thread, which parallel tests may all be using.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(10);
            cts.Cancel();
        });
        var watch = Stopwatch.StartNew();
        canceller.Start();
        Assert.ThrowsAny<OperationCanceledException>(() => model.Run(features, cts.Token));
        output.WriteLine($"cancelled after {watch.Elapsed.TotalMilliseconds:F1} ms");
        canceller.Join();
    }
}
