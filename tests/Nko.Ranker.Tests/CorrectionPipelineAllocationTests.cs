using Nko.Ranker.Configuration;
using Nko.Ranker.Tests.Support;
using Nko.Testing;

namespace Nko.Ranker.Tests;

/// <summary>After warm-up, a correction allocates only its result.</summary>
public sealed class CorrectionPipelineAllocationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_COPY_allocates_only_the_result_object(bool shortlisted)
    {
        // Run on a dedicated thread so the per-thread workspace is this test's alone. Shortlisted: the round estimates
        // every substitution and insertion and rescores three of them (the estimate path must not allocate either).
        RankerConfig config = shortlisted ? WithShortlist(HandConfig.Config, 3) : HandConfig.Config;
        if (shortlisted)
        {
            // The shortlist must bite, or this case would measure the plain path again.
            var data = TestData.Dev50;
            int Count(RankerConfig c)
            {
                var evaluator = new Nko.Ranker.Features.CandidateEvaluator();
                evaluator.Reset(data.GetLogProbs(0), c.Vocabulary.BlankIndex, TestData.AsrScore(data.Rows[0]));
                return evaluator.Evaluate(c.CandidateGenerator, c.Vocabulary.Encode(data.Rows[0].Hypothesis), 0);
            }

            Assert.True(Count(config) < Count(HandConfig.Config));
        }

        long[] bytes = RunOnFreshThread<long[]>(() =>
        {
            var pipeline = new CorrectionPipeline(config);
            var data = TestData.Dev50;
            CorrectionResult Copy(int i) => pipeline.Correct(new CorrectionRequest(data.GetLogProbs(i)) { Hypothesis = data.Rows[i].Hypothesis, AsrScore = TestData.AsrScore(data.Rows[i]), Mode = "never" });
            for (int warm = 0; warm < 3; warm++)
            {
                for (int i = 0; i < data.Count; i++)
                {
                    Copy(i);
                }
            }

            return [.. Enumerable.Range(0, data.Count).Select(i => AllocationProbe.Fewest(() => Copy(i)))];
        });

        // CorrectionResult: object header + 4 references + enum + ImmutableArray (one reference) ≈ 56 bytes on 64-bit.
        Assert.All(bytes, b => Assert.Equal(bytes[0], b));
        Assert.InRange(bytes[0], 1, 64);
    }

    [Fact]
    public void A_COPY_without_a_hypothesis_allocates_only_the_result_and_the_decoded_hypothesis()
    {
        long[] extra = RunOnFreshThread<long[]>(() =>
        {
            var pipeline = new CorrectionPipeline(HandConfig.Config);
            var data = TestData.Dev50;
            CorrectionResult Copy(int i) => pipeline.Correct(new CorrectionRequest(data.GetLogProbs(i)) { AsrScore = TestData.AsrScore(data.Rows[i]), Mode = "never" });
            for (int warm = 0; warm < 3; warm++)
            {
                for (int i = 0; i < data.Count; i++)
                {
                    Copy(i);
                }
            }

            return [.. Enumerable.Range(0, data.Count).Select(i =>
            {
                long b = AllocationProbe.Fewest(() => Copy(i), out CorrectionResult r);
                long text = 22 + (2L * r.Hypothesis.Length); // string: header + length + chars (+ terminator), 8-byte aligned
                return b - ((text + 7) & ~7L);
            })];
        });

        Assert.All(extra, b => Assert.Equal(extra[0], b));
        Assert.InRange(extra[0], 1, 64);
    }

    [Fact]
    public void A_correction_allocates_a_bounded_result()
    {
        long[] bytes = RunOnFreshThread<long[]>(() =>
        {
            var pipeline = new CorrectionPipeline(HandConfig.Config);
            var data = TestData.Dev50;
            CorrectionResult Correct(int i) => pipeline.Correct(new CorrectionRequest(data.GetLogProbs(i)) { Hypothesis = data.Rows[i].Hypothesis, AsrScore = TestData.AsrScore(data.Rows[i]), Mode = "always" });
            for (int warm = 0; warm < 3; warm++)
            {
                for (int i = 0; i < data.Count; i++)
                {
                    Correct(i);
                }
            }

            return [.. Enumerable.Range(0, data.Count).Select(i =>
            {
                long b = AllocationProbe.Fewest(() => Correct(i), out CorrectionResult r);

                // Result + text + per edit: the AppliedEdit record, its description string and an array slot.
                return b - (256 + (2L * r.Text.Length) + (r.Edits.Length * 160));
            })];
        });

        Assert.All(bytes, b => Assert.True(b <= 0, $"{b} bytes beyond the result"));
    }

    private static RankerConfig WithShortlist(RankerConfig c, int shortlist) => new(
        c.Name, c.Confusions, c.Features, c.Means, c.Stds, c.Weights, c.Bias, c.Modes, c.DefaultMode,
        c.Generator with { Shortlist = shortlist }, c.MaxRounds, c.Provenance);

    private static T RunOnFreshThread<T>(Func<T> body)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = body();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("The measuring thread failed.", error);
    }
}
