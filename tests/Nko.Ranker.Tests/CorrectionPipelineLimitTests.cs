using System.Diagnostics;
using System.Reflection;
using Nko.Ctc;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests;

/// <summary>Inputs beyond the pipeline's limits fail fast with a clear error; outsized calls do not keep their memory.</summary>
public sealed class CorrectionPipelineLimitTests
{
    private static readonly FieldInfo WorkspaceField =
        typeof(CorrectionPipeline).GetField("t_workspace", BindingFlags.NonPublic | BindingFlags.Static)!;

    [Fact]
    public void The_issue_repro_is_a_limit_error_not_a_crash()
    {
        // T = 100,000 and 42,950 labels: the table sizes wrapped int and the process aborted (AccessViolation).
        var pipeline = new CorrectionPipeline(HandConfig.Config);
        var error = Assert.Throws<CorrectionLimitException>(() => pipeline.Correct(Uniform(100_000), Alternating(42_950), "always"));
        Assert.Contains("MaxFrames (30000)", error.Message, StringComparison.Ordinal);

        // Within the frames but past the tables: rejected before any work, in well under a second.
        var watch = Stopwatch.StartNew();
        error = Assert.Throws<CorrectionLimitException>(() => pipeline.Correct(Uniform(30_000), Alternating(8_000), "always"));
        Assert.Contains("MaxTableCells", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
    }

    [Fact]
    public void Each_limit_names_itself_and_is_checked_before_the_hypothesis_is_read()
    {
        var small = new CorrectionPipeline(HandConfig.Config, new CorrectionLimits { MaxFrames = 50, MaxHypothesisLength = 10, MaxTableCells = 500 });
        Assert.Contains("MaxFrames (50)", Assert.Throws<CorrectionLimitException>(() => small.Correct(Uniform(51), "ߊ")).Message, StringComparison.Ordinal);

        // Too long a hypothesis is rejected even when it holds characters outside the vocabulary (not read at all).
        Assert.Contains("MaxHypothesisLength (10)", Assert.Throws<CorrectionLimitException>(() => small.Correct(Uniform(50), new string('x', 11))).Message, StringComparison.Ordinal);
        Assert.Contains("MaxTableCells (500)", Assert.Throws<CorrectionLimitException>(() => small.Correct(Uniform(50), Alternating(10))).Message, StringComparison.Ordinal);
        Assert.Equal(CorrectionDecision.Copy, small.Correct(Uniform(50), Alternating(5), "never").Decision);

        // A greedy hypothesis is checked once decoded.
        var tight = new CorrectionPipeline(HandConfig.Config, new CorrectionLimits { MaxTableCells = 100 });
        Assert.Throws<CorrectionLimitException>(() => tight.Correct(TestData.Dev50.GetLogProbs(0)));
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Equal(nameof(CorrectionLimits.MaxFrames), Assert.Throws<ArgumentOutOfRangeException>(() => new CorrectionLimits { MaxFrames = 0 }).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CorrectionLimits { MaxTableCells = -1 });
        Assert.Throws<ArgumentNullException>(() => new CorrectionPipeline(HandConfig.Config, null!));
    }

    [Fact]
    public void An_outsized_call_releases_its_threads_buffers_and_a_normal_one_keeps_them()
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var keep = new CorrectionPipeline(HandConfig.Config);
                LogProbMatrix row = TestData.Dev50.GetLogProbs(0);
                keep.Correct(row, mode: "always");
                Assert.NotNull(WorkspaceField.GetValue(null));

                var release = new CorrectionPipeline(HandConfig.Config, new CorrectionLimits { MaxRetainedTableCells = 1_000 });
                release.Correct(row, mode: "always");
                Assert.Null(WorkspaceField.GetValue(null));

                keep.Correct(row, mode: "always");
                Assert.NotNull(WorkspaceField.GetValue(null));
                Assert.Throws<CorrectionLimitException>(() => new CorrectionPipeline(HandConfig.Config, new CorrectionLimits { MaxTableCells = 400, MaxRetainedTableCells = 1 }).Correct(row));
                Assert.Null(WorkspaceField.GetValue(null));
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void A_cancelled_token_stops_the_call()
    {
        var pipeline = new CorrectionPipeline(HandConfig.Config);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var request = new CorrectionRequest(TestData.Dev50.GetLogProbs(0)) { Mode = "always" };
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Correct(request, cts.Token));
        Assert.Equal(CorrectionDecision.Corrected, pipeline.Correct(request, CancellationToken.None).Decision);
    }

    [Fact]
    public void A_hypothesis_nearly_as_long_as_the_frames_is_corrected_not_treated_as_impossible()
    {
        // T = 1000, L = 950 on a normalised matrix: SetHypothesis gave −∞, and Correct spent tens of seconds on COPY.
        LogProbMatrix m = Uniform(1000);
        int[] hyp = HandConfig.Vocabulary.Encode(Alternating(950));

        // What the pipeline's rounds see: the hypothesis' exact likelihood (it was −∞, so every candidate looked like an
        // infinite gain) and finite candidates.
        var evaluator = new Nko.Ranker.Features.CandidateEvaluator();
        evaluator.Reset(m, HandConfig.Vocabulary.BlankIndex, null);
        int n = evaluator.Evaluate(HandConfig.Config.CandidateGenerator, hyp, 0);
        double reference = CtcForward.LogSpaceLogLikelihood(m, HandConfig.Vocabulary.BlankIndex, hyp);
        Assert.Equal(reference, evaluator.HypothesisLogLikelihood, Math.Abs(reference) * 1e-9);
        Assert.True(n > 0);

        var pipeline = new CorrectionPipeline(HandConfig.Config);
        var watch = Stopwatch.StartNew();
        CorrectionResult result = pipeline.Correct(m, Alternating(950), "always");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        Assert.Equal(Alternating(950), result.Hypothesis);
    }

    private static LogProbMatrix Uniform(int frames)
    {
        int classes = HandConfig.Vocabulary.Count;
        float[] values = new float[frames * classes];
        Array.Fill(values, (float)-Math.Log(classes));
        return new LogProbMatrix(values, frames, classes);
    }

    // Two letters of the N'Ko vocabulary, alternating (no repeats, so every label needs only one frame).
    private static string Alternating(int length) => string.Create(length, 0, static (span, _) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (i & 1) == 0 ? 'ߊ' : 'ߓ';
        }
    });
}
