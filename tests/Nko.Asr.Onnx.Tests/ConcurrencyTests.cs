using Nko.Asr;

namespace Nko.Asr.Onnx.Tests;

/// <summary>One model instance, many concurrent callers: every result equals the sequential one, bit for bit.</summary>
public sealed class ConcurrencyTests
{
    private const int C = 66;

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public async Task Concurrent_callers_get_the_sequential_results(int intraOpThreads)
    {
        using var model = new OnnxAcousticModel(
            TestPaths.Fixture("ctc_head_tiny.onnx"),
            sessionOptions: new OnnxSessionOptions { IntraOpThreads = intraOpThreads });
        int[] lengths = [13, 40, 57, 96, 120, 200, 33, 77];
        float[][] inputs = lengths.Select((t, i) => TestData.RandomFloats(t * 1280, 100 + i)).ToArray();
        float[][] expected = inputs.Select((x, i) => model.Run(AcousticFeatures.FromSingle(x, lengths[i], 1280)).Span.ToArray()).ToArray();

        var tasks = new List<Task>();
        for (int worker = 0; worker < 8; worker++)
        {
            int w = worker;
            tasks.Add(Task.Run(() =>
            {
                float[] destination = new float[200 * C];
                for (int round = 0; round < 12; round++)
                {
                    int i = (w + round) % inputs.Length;
                    AcousticFeatures features = AcousticFeatures.FromSingle(inputs[i], lengths[i], 1280);
                    if ((round & 1) == 0)
                    {
                        int frames = model.Run(features, destination);
                        Assert.Equal(expected[i], destination.AsSpan(0, frames * C).ToArray());
                    }
                    else
                    {
                        Assert.Equal(expected[i], model.Run(features).Span.ToArray());
                    }
                }
            }));
        }

        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task Concurrent_async_callers_get_the_sequential_results()
    {
        using var model = new OnnxAcousticModel(TestPaths.Fixture("ctc_head_tiny.onnx"));
        float[] x = TestData.RandomFloats(64 * 1280, 7);
        AcousticFeatures features = AcousticFeatures.FromSingle(x, 64, 1280);
        float[] expected = model.Run(features).Span.ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => model.RunAsync(features).AsTask()));

        Assert.All(results, r => Assert.Equal(expected, r.Span.ToArray()));
    }
}
