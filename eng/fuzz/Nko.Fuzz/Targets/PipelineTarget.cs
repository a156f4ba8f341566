using System.Globalization;
using Nko.Ctc;
using Nko.Ranker;
using Nko.Ranker.Configuration;

namespace Nko.Fuzz.Targets;

/// <summary>
/// CorrectionPipeline.Correct with the shipped config on hostile matrices, hypotheses, modes and ASR scores: only
/// ArgumentException (documented), the same result twice and from several threads at once, output text within the
/// vocabulary, and the reported edits replaying the hypothesis into the output.
/// </summary>
public sealed class PipelineTarget : FuzzTarget
{
    public override string Name => "pipeline";

    public override string Description => "CorrectionPipeline.Correct with models/candidate_ranker_v1.json: exceptions, determinism, threads, vocabulary";

    public override void Run(FuzzContext ctx)
    {
        FuzzRandom rng = ctx.Random;
        var pipeline = new CorrectionPipeline(ShippedConfig.Config);
        CorrectionRequest request = Request(ctx, pipeline.Config);
        string where = Describe(request);
        CorrectionResult? first = null;
        if (!ctx.Expect<ArgumentException>("Correct", () => first = pipeline.Correct(request)) || first is null)
        {
            return;
        }

        ctx.Count($"accepted: {first.Decision}");
        CheckResult(ctx, pipeline.Config, first, where);
        CorrectionResult? again = null;
        if (ctx.Call("Correct (again)", () => again = pipeline.Correct(request)) && again is not null)
        {
            ctx.Check(Same(first, again), "Correct: different result the second time", where);
        }

        if (rng.Chance(0.1))
        {
            Parallel(ctx, pipeline, [request, Request(ctx, pipeline.Config), Request(ctx, pipeline.Config)], where);
        }
    }

    // Several requests, each corrected on the calling thread first, then all at once on four threads in a shuffled order.
    private static void Parallel(FuzzContext ctx, CorrectionPipeline pipeline, CorrectionRequest[] requests, string where)
    {
        var expected = new CorrectionResult?[requests.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            try
            {
                expected[i] = pipeline.Correct(requests[i]);
            }
            catch (ArgumentException)
            {
            }
        }

        int[] order = [.. Enumerable.Range(0, requests.Length * 4).Select(i => i % requests.Length).OrderBy(_ => ctx.Random.NextUInt64())];
        var results = new CorrectionResult?[order.Length];
        var errors = new Exception?[order.Length];
        System.Threading.Tasks.Parallel.For(0, order.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            try
            {
                results[k] = pipeline.Correct(requests[order[k]]);
            }
            catch (Exception e)
            {
                errors[k] = e;
            }
        });
        for (int k = 0; k < order.Length; k++)
        {
            CorrectionResult? want = expected[order[k]];
            bool ok = want is null
                ? errors[k] is ArgumentException
                : errors[k] is null && results[k] is { } got && Same(want, got);
            ctx.Check(ok, "Correct: different result on parallel threads", $"{where}; request {order[k]}: {errors[k]?.GetType().Name ?? results[k]?.Text}");
        }

        ctx.Count("parallel check");
    }

    private static void CheckResult(FuzzContext ctx, RankerConfig config, CorrectionResult result, string where)
    {
        CtcVocabulary vocabulary = config.Vocabulary;
        foreach (char c in result.Text)
        {
            if (!vocabulary.TryGetId(c, out int id) || !vocabulary.IsLabel(id))
            {
                ctx.Fail("Correct: output outside the vocabulary", $"{where}: U+{(int)c:X4}");
                return;
            }
        }

        if (result.Decision == CorrectionDecision.Copy)
        {
            ctx.Check(result.Text == result.Hypothesis && result.Edits.IsEmpty, "Correct: COPY that changed the text", where);
            return;
        }

        ctx.Check(result.Edits.Length >= 1 && result.Edits.Length <= config.MaxRounds, "Correct: edit count out of bounds", $"{where}: {result.Edits.Length}");
        int[] labels = vocabulary.Encode(result.Hypothesis);
        foreach (AppliedEdit edit in result.Edits)
        {
            ctx.Check(edit.Probability is >= 0 and <= 1 && !double.IsNaN(edit.CtcGain), "Correct: probability or gain out of range", $"{where}: {edit}");
            try
            {
                labels = edit.Edit.Apply(labels);
            }
            catch (ArgumentException e)
            {
                ctx.Fail("Correct: reported edit does not fit the text", $"{where}: {edit.Edit}: {e.Message}");
                return;
            }
        }

        ctx.Check(vocabulary.Decode(labels) == result.Text, "Correct: edits do not replay to the output", where);
    }

    private static bool Same(CorrectionResult a, CorrectionResult b) =>
        a.Text == b.Text && a.Hypothesis == b.Hypothesis && a.Decision == b.Decision && a.Mode == b.Mode
        && a.Edits.SequenceEqual(b.Edits);

    private static CorrectionRequest Request(FuzzContext ctx, RankerConfig config)
    {
        FuzzRandom rng = ctx.Random;
        CtcVocabulary vocabulary = config.Vocabulary;
        int classes = rng.Chance(0.03) ? rng.Pick(2, vocabulary.Count - 1, vocabulary.Count + 1) : vocabulary.Count;
        int frames = rng.Pick(1, 2, rng.Between(3, 30), rng.Between(3, Math.Max(3, ctx.Settings.MaxFrames / 2)));
        HostileMatrices.Matrix m = HostileMatrices.Create(rng, frames, classes, vocabulary.BlankIndex);
        string? hypothesis = rng.Next(4) switch
        {
            0 => null,
            1 => Text(rng, vocabulary, rng.Between(0, 5)),
            2 => Text(rng, vocabulary, Math.Max(0, frames + rng.Between(-3, 3))),
            _ => Text(rng, vocabulary, rng.Between(0, frames + 10)),
        };
        if (hypothesis is not null && rng.Chance(0.05))
        {
            hypothesis = hypothesis.Insert(rng.Next(hypothesis.Length + 1), rng.Pick("a", "\u0000", "\uD800", "\u0301", "\uFEFF", "ߊ\u0301")); // outside the vocabulary
        }

        string? mode = rng.Chance(0.05)
            ? rng.Pick("", "unknown", "CONSERVATIVE", " conservative")
            : rng.Chance(0.5) ? null : config.Modes[rng.Next(config.Modes.Length)].Name;
        double? asr = rng.Next(5) switch
        {
            0 => rng.Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1e308, 1e308, -0.0),
            1 or 2 => null,
            _ => -rng.NextDouble() * 10,
        };
        return new CorrectionRequest(new LogProbMatrix(m.Data, frames, classes)) { Hypothesis = hypothesis, Mode = mode, AsrScore = asr };
    }

    private static string Text(FuzzRandom rng, CtcVocabulary vocabulary, int length)
    {
        int[] labels = HostileMatrices.Labels(rng, length, vocabulary.Count, vocabulary.BlankIndex);
        return vocabulary.Decode(labels);
    }

    private static string Describe(CorrectionRequest r) => string.Create(
        CultureInfo.InvariantCulture,
        $"T={r.LogProbs.Frames} C={r.LogProbs.Classes} hyp={(r.Hypothesis is null ? "greedy" : r.Hypothesis.Length.ToString(CultureInfo.InvariantCulture))} mode={r.Mode ?? "default"} asr={r.AsrScore?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}");
}
