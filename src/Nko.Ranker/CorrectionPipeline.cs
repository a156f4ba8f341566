using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Nko.Ctc;
using Nko.Diagnostics;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;

namespace Nko.Ranker;

/// <summary>
/// The default <see cref="ICorrectionPipeline"/>: bounded candidates from the config's confusion maps, exact CTC
/// rescoring of each on the same log-probs, the frozen logistic ranker, and the mode's threshold, in rounds.
/// </summary>
/// <remarks>
/// <para><b>Rounds.</b> Each round generates the candidates of the current text, rescores them all with single-edit
/// rescoring, scores them with the ranker, and takes the best. It is applied if the mode accepts it (probability ≥
/// threshold, and CTC gain ≥ the mode's minimum when set); otherwise correction stops. At most
/// <see cref="RankerConfig.MaxRounds"/> edits are applied, and correction also stops when the best edit would return
/// to a text this call already produced (a cycle such as inserting and then deleting the same label). COPY when no
/// round applies an edit. A candidate the log-probs
/// cannot produce at all (CTC likelihood 0, e.g. longer than the frames allow) is never applied, so a hypothesis
/// that is itself impossible and has no possible neighbour comes back as COPY.</para>
/// <para><b>Beam revision.</b> With a schema-3 config and a mode that has a <see cref="OperatingMode.RevisionThreshold"/>, the
/// rounds are preceded by the beam revision: the segments in which the LM-fused beam search's best text differs from
/// the hypothesis, each applied when its segment-model probability reaches the threshold (logged as primitive edits
/// with <see cref="EditSource.BeamRevision"/>). When it changes the text, no rounds follow.</para>
/// <para><b>Ties</b> are broken by a total order: higher ranker logit (equivalently, probability), then higher CTC gain,
/// then the generator's order (<see cref="Nko.Candidates.Candidate.Compare"/>). So the output depends only on the
/// input and the config.</para>
/// <para><b>Threads.</b> The pipeline is immutable; per-call buffers come from a per-thread workspace, so concurrent
/// calls are safe and a call allocates only its result.</para>
/// <para><b>Telemetry.</b> Each call is counted and timed on the <c>"Nko.Ranker"</c> meter and traced as a span of the
/// <c>"Nko.Ranker"</c> activity source (see <see cref="RankerTelemetry"/>); nothing is allocated for it when nothing listens.</para>
/// <para><b>Limits.</b> Frames, hypothesis length and tables (frames × labels) are checked against
/// <see cref="Limits"/> before any work; an outsized call releases its thread's buffers when it ends.</para>
/// </remarks>
public sealed class CorrectionPipeline : ICorrectionPipeline
{
    [ThreadStatic]
    private static Workspace? t_workspace;

    /// <summary>Creates a pipeline over a loaded config with the default <see cref="CorrectionLimits"/>.</summary>
    public CorrectionPipeline(RankerConfig config)
        : this(config, CorrectionLimits.Default)
    {
    }

    /// <summary>Creates a pipeline over a loaded config with the given limits.</summary>
    public CorrectionPipeline(RankerConfig config, CorrectionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(limits);
        Config = config;
        Limits = limits;
    }

    /// <inheritdoc />
    public RankerConfig Config { get; }

    /// <summary>The bounds every call is checked against.</summary>
    public CorrectionLimits Limits { get; }

    /// <summary>Loads the config at <paramref name="configPath"/> and creates a pipeline over it.</summary>
    public static CorrectionPipeline FromFile(string configPath) => new(RankerConfig.Load(configPath));

    /// <summary>Corrects one utterance (convenience overload).</summary>
    public CorrectionResult Correct(LogProbMatrix logProbs, string? hypothesis = null, string? mode = null, double? asrScore = null) =>
        Correct(new CorrectionRequest(logProbs) { Hypothesis = hypothesis, Mode = mode, AsrScore = asrScore });

    /// <inheritdoc />
    public CorrectionResult Correct(CorrectionRequest request, CancellationToken cancellationToken = default)
    {
        RankerConfig config = Config;
        CorrectionLimits limits = Limits;
        OperatingMode mode = config.GetMode(request.Mode);
        CtcVocabulary vocabulary = config.Vocabulary;
        LogProbMatrix logProbs = request.LogProbs;
        logProbs.ValidateShape(vocabulary);
        if (request.AsrScore is { } s && !double.IsFinite(s))
        {
            throw new ArgumentException("AsrScore must be finite when given.", nameof(request));
        }

        int frames = logProbs.Frames;
        if (frames > limits.MaxFrames)
        {
            throw Limit($"The log-probs have {frames} frames, more than {nameof(CorrectionLimits)}.{nameof(CorrectionLimits.MaxFrames)} ({limits.MaxFrames})");
        }

        if (request.Hypothesis is { } given)
        {
            // Characters, not labels yet: a label is one character, so this bounds the labels before anything is encoded.
            CheckLength(given.Length, frames, limits, config.MaxRounds);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Workspace ws = t_workspace ??= new Workspace();
        long cells = 0;
        long started = RankerTelemetry.Timed ? Stopwatch.GetTimestamp() : 0;
        Activity? activity = RankerTelemetry.Start();
        try
        {
            CorrectionResult result = Correct(request, ws, mode, frames, ref cells, cancellationToken);
            RankerTelemetry.Record(result, frames, started, activity);
            return result;
        }
        catch (Exception e) when (activity is not null)
        {
            FailedSpan.Mark(activity, e);
            throw;
        }
        finally
        {
            activity?.Dispose();
            // An outsized call does not pin its tables to the thread: the next call starts from small buffers.
            if (cells > limits.MaxRetainedTableCells)
            {
                t_workspace = null;
            }
        }
    }

    private CorrectionResult Correct(CorrectionRequest request, Workspace ws, OperatingMode mode, int frames, ref long cells, CancellationToken cancellationToken)
    {
        RankerConfig config = Config;
        CtcVocabulary vocabulary = config.Vocabulary;
        LogProbMatrix logProbs = request.LogProbs;
        cells = frames; // the workspace grows with the frames before the hypothesis is known

        // Loading the matrix (exponentiated once for every round) also rejects NaN and +inf, so the values are read once.
        CandidateEvaluator evaluator = ws.Evaluator;
        evaluator.Reset(logProbs, vocabulary.BlankIndex, request.AsrScore);
        ws.Ensure(logProbs.Frames + 1, config.MaxRounds);
        int length;
        string hypothesisText;
        if (request.Hypothesis is { } hyp)
        {
            if (hyp.Length > ws.Labels.Length - config.MaxRounds - 1)
            {
                ws.Ensure(hyp.Length + 1, config.MaxRounds);
            }

            length = vocabulary.Encode(hyp, ws.Labels);
            hypothesisText = hyp;
        }
        else
        {
            length = GreedyDecoder.Decode(logProbs, vocabulary.BlankIndex, ws.Labels, default, out _);
            hypothesisText = vocabulary.Decode(ws.Labels.AsSpan(0, length));
            CheckLength(length, frames, Limits, config.MaxRounds);
        }

        cells = TableCells(frames, length, config.MaxRounds);
        ImmutableArray<string> outside = config.InputProfile is { } profile
            ? profile.Check(Profiling.InputMeasurement.Measure(logProbs, vocabulary.BlankIndex, length, evaluator.AsrScore))
            : [];
        int revised = 0;
        if (config.RevisionModel is { } revision && mode.RevisionThreshold is not null && config.LanguageModel is { } lm)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (length, revised) = Revise(ws, revision, lm, logProbs, length, evaluator.AsrScore, mode, frames);
            cells = Math.Max(cells, TableCells(frames, length, config.MaxRounds));
        }

        ws.EnsureHistory(length, config.MaxRounds);
        ws.ClearHistory();
        int applied = revised;

        // Single edits only on a text the revision left as the recogniser produced it: the ranker's features and the
        // modes' thresholds are calibrated on recogniser hypotheses, and a revised text is not one (on nko-tts-asr dev,
        // aggressive mode made 14 utterances worse with single edits after the revision, 11 without; see models/README.md).
        int rounds = revised > 0 ? 0 : config.MaxRounds;
        for (int round = 0; round < rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadOnlySpan<int> current = ws.Labels.AsSpan(0, length);
            int n = evaluator.Evaluate(config.CandidateGenerator, current, round, config.LanguageModel);
            if (n == 0)
            {
                break;
            }

            // The logistic function is monotone, so the best candidate is the one with the highest logit.
            int best = -1;
            double bestZ = double.NegativeInfinity, bestGain = double.NegativeInfinity;
            double hypLogp = evaluator.HypothesisLogLikelihood;
            ReadOnlySpan<double> logps = evaluator.LogLikelihoods;
            Span<double> logits = ws.Logits(n);
            config.Ranker.Logits(evaluator.FeatureRows, n, logits);
            for (int i = 0; i < n; i++)
            {
                if (double.IsNegativeInfinity(logps[i]))
                {
                    continue; // the recogniser's frames cannot produce this text: never apply it
                }

                double z = logits[i];
                double gain = UnclampedGain(logps[i], hypLogp);
                if (z > bestZ || (z == bestZ && gain > bestGain))
                {
                    best = i;
                    bestZ = z;
                    bestGain = gain;
                }
            }

            double bestP = Scoring.LogisticRanker.Sigmoid(bestZ);

            if (best < 0 || !mode.Accepts(bestP, bestGain))
            {
                break;
            }

            LabelEdit edit = evaluator.Candidates[best].Edit;
            int next = edit.Apply(current, ws.Scratch);
            if (ws.Visited(ws.Scratch.AsSpan(0, next)))
            {
                break; // the best edit would return to a text already produced (e.g. undo the last edit): a cycle
            }

            ws.Applied[applied++] = new Step(edit, bestP, bestGain, round, Describe(edit, current, vocabulary), EditSource.Candidate);
            ws.Remember(current);
            length = next;
            ws.Scratch.AsSpan(0, length).CopyTo(ws.Labels);
        }

        if (applied == 0)
        {
            return new CorrectionResult(hypothesisText, hypothesisText, CorrectionDecision.Copy, [], mode.Name) { OutsideProfile = outside };
        }

        var edits = ImmutableArray.CreateBuilder<AppliedEdit>(applied);
        for (int i = 0; i < applied; i++)
        {
            Step step = ws.Applied[i];
            edits.Add(new AppliedEdit(step.Edit, step.Description, step.Probability, step.Gain, step.Round) { Source = step.Source });
        }

        string text = vocabulary.Decode(ws.Labels.AsSpan(0, length));
        return new CorrectionResult(hypothesisText, text, CorrectionDecision.Corrected, edits.MoveToImmutable(), mode.Name) { OutsideProfile = outside };
    }

    // The beam-revision stage: decode with the LM, take the segments the mode accepts, apply them left to right as
    // primitive edits (logged as steps of round 0). Returns the new length and the number of steps logged.
    private (int Length, int Steps) Revise(Workspace ws, BeamRevisionModel revision, Nko.Lm.CharLanguageModel lm, LogProbMatrix logProbs, int length, double asrScore, OperatingMode mode, int frames)
    {
        RankerConfig config = Config;
        CtcVocabulary vocabulary = config.Vocabulary;
        BeamRevisionEvaluator rev = ws.Revision;
        ReadOnlySpan<int> hypothesis = ws.Labels.AsSpan(0, length);
        int n = rev.Evaluate(logProbs, vocabulary, hypothesis, asrScore, ws.SearchFor(revision.Config.Search, lm, vocabulary), lm, revision.Keys);
        if (n == 0)
        {
            return (length, 0);
        }

        ReadOnlySpan<BeamRevisionEvaluator.Segment> segments = rev.Segments;
        ReadOnlySpan<double> rows = rev.Rows;
        int width = BeamRevisionFeatures.All.Length;
        int revisedLength = length, capacity = length;
        int steps = 0;
        Span<double> accepted = n <= 128 ? stackalloc double[n] : new double[n]; // the probability, or −1 when not taken
        for (int s = 0; s < n; s++)
        {
            double p = Scoring.LogisticRanker.Sigmoid(revision.Logit(rows.Slice(s * width, width)));
            accepted[s] = mode.AcceptsRevision(p) ? p : -1;
            if (accepted[s] >= 0)
            {
                revisedLength += segments[s].ReplacementLength - (segments[s].End - segments[s].Start);
                capacity += segments[s].ReplacementLength;
                steps += Math.Max(segments[s].End - segments[s].Start, segments[s].ReplacementLength);
            }
        }

        if (steps == 0 || TableCells(frames, revisedLength, config.MaxRounds) > Limits.MaxTableCells || revisedLength > Limits.MaxHypothesisLength)
        {
            return (length, 0);
        }

        ws.KeepOriginal(hypothesis);
        ws.Ensure(capacity + 1, config.MaxRounds, steps);
        ReadOnlySpan<int> best = rev.Best;
        ReadOnlySpan<int> original = ws.Original.AsSpan(0, ws.OriginalLength);
        int logged = 0, shift = 0, current = length;
        for (int s = 0; s < n; s++)
        {
            double p = accepted[s];
            if (p < 0)
            {
                continue;
            }

            BeamRevisionEvaluator.Segment seg = segments[s];
            double gain = rows[(s * width) + BeamRevisionFeatures.SegmentCtcGainColumn]; // the segment's own CTC gain over the unrevised text
            int removed = seg.End - seg.Start, inserted = seg.ReplacementLength, common = Math.Min(removed, inserted);
            int at = seg.Start + shift;
            for (int i = 0; i < common; i++)
            {
                int label = best[seg.ReplacementStart + i];
                if (original[seg.Start + i] != label)
                {
                    Log(LabelEdit.Substitute(at + i, label));
                }
            }

            for (int i = common; i < removed; i++)
            {
                Log(LabelEdit.Delete(at + common));
            }

            for (int i = common; i < inserted; i++)
            {
                Log(LabelEdit.Insert(at + i, best[seg.ReplacementStart + i]));
            }

            shift += inserted - removed;

            void Log(LabelEdit edit)
            {
                ReadOnlySpan<int> before = ws.Labels.AsSpan(0, current);
                ws.Applied[logged++] = new Step(edit, p, gain, 0, "REV " + Describe(edit, before, vocabulary), EditSource.BeamRevision);
                current = edit.Apply(before, ws.Scratch);
                ws.Scratch.AsSpan(0, current).CopyTo(ws.Labels);
            }
        }

        return (current, logged);
    }

    // Frames × (labels + rounds + 1): the cells of the largest tables a call can build (each round may insert a label).
    private static long TableCells(int frames, int length, int rounds) => (long)frames * ((long)length + rounds + 1);

    private static void CheckLength(int length, int frames, CorrectionLimits limits, int rounds)
    {
        if (length > limits.MaxHypothesisLength)
        {
            throw Limit($"The hypothesis has {length} labels, more than {nameof(CorrectionLimits)}.{nameof(CorrectionLimits.MaxHypothesisLength)} ({limits.MaxHypothesisLength})");
        }

        long cells = TableCells(frames, length, rounds);
        if (cells > limits.MaxTableCells)
        {
            throw Limit($"{frames} frames × ({length} labels + {rounds} rounds + 1) is {cells} table cells (about {cells * 48 / 1_000_000} MB), more than {nameof(CorrectionLimits)}.{nameof(CorrectionLimits.MaxTableCells)} ({limits.MaxTableCells})");
        }
    }

    private static CorrectionLimitException Limit(FormattableString message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{message.ToString(CultureInfo.InvariantCulture)}; split the utterance into shorter windows or raise the limit."));

    // The gain as the log shows it, unclamped (the features clamp theirs to [−50, 50]): +∞ when only the edit can be aligned.
    private static double UnclampedGain(double logp, double hypLogp) =>
        double.IsFinite(hypLogp) ? logp - hypLogp : (double.IsFinite(logp) ? double.PositiveInfinity : 0);

    private static string Describe(LabelEdit edit, ReadOnlySpan<int> labels, CtcVocabulary vocabulary)
    {
        string Sym(int id) => vocabulary.GetSymbol(id).ToString();
        return edit.Kind switch
        {
            EditKind.Substitute => string.Create(CultureInfo.InvariantCulture, $"SUB {edit.Position} '{Sym(labels[edit.Position])}'→'{Sym(edit.Label)}'"),
            EditKind.Delete => string.Create(CultureInfo.InvariantCulture, $"DEL {edit.Position} '{Sym(labels[edit.Position])}'"),
            _ => string.Create(CultureInfo.InvariantCulture, $"INS {edit.Position} '{Sym(edit.Label)}'"),
        };
    }

    private readonly record struct Step(LabelEdit Edit, double Probability, double Gain, int Round, string Description, EditSource Source);

    private sealed class Workspace
    {
        public CandidateEvaluator Evaluator { get; } = new();

        public BeamRevisionEvaluator Revision { get; } = new();

        public int[] Original { get; private set; } = [];

        public int OriginalLength { get; private set; }

        private CtcBeamSearch? _search;

        // One search per thread, rebuilt when a call uses another config's options or LM (searches hold per-call buffers).
        public CtcBeamSearch SearchFor(BeamSearchOptions options, Nko.Lm.CharLanguageModel lm, CtcVocabulary vocabulary)
        {
            if (_search is null || !ReferenceEquals(_search.Options, options) || !ReferenceEquals(_search.LanguageModel, lm) || !ReferenceEquals(_search.Vocabulary, vocabulary))
            {
                _search = new CtcBeamSearch(vocabulary, lm, options);
            }

            return _search;
        }

        public void KeepOriginal(ReadOnlySpan<int> labels)
        {
            if (Original.Length < labels.Length)
            {
                Original = new int[labels.Length];
            }

            labels.CopyTo(Original);
            OriginalLength = labels.Length;
        }

        public int[] Labels { get; private set; } = [];

        public int[] Scratch { get; private set; } = [];

        public Step[] Applied { get; private set; } = [];

        private double[] _logits = [];

        public Span<double> Logits(int count)
        {
            if (_logits.Length < count)
            {
                _logits = new double[count];
            }

            return _logits.AsSpan(0, count);
        }

        // The texts produced so far in this call (label sequences, back to back), to stop at cycles.
        private int[] _history = [];
        private int[] _historyLengths = [];
        private int _historyCount;
        private int _historyUsed;

        public void Ensure(int labels, int rounds, int revisionSteps = 0)
        {
            int needed = labels + rounds + 1;
            if (Labels.Length < needed)
            {
                int[] grown = new int[needed];
                Labels.CopyTo(grown, 0); // the current text survives growth (the revision grows mid-call)
                Labels = grown;
                Scratch = new int[needed];
            }

            if (Applied.Length < rounds + revisionSteps)
            {
                Step[] grown = new Step[rounds + revisionSteps];
                Applied.AsSpan().CopyTo(grown);
                Applied = grown;
            }

        }

        // The texts of a call have at most length + rounds labels each, and there are at most rounds + 1 of them.
        public void EnsureHistory(int length, int rounds)
        {
            int needed = checked((length + rounds + 1) * (rounds + 1));
            if (_history.Length < needed)
            {
                _history = new int[needed];
            }

            if (_historyLengths.Length < rounds + 1)
            {
                _historyLengths = new int[rounds + 1];
            }
        }

        public void ClearHistory()
        {
            _historyCount = 0;
            _historyUsed = 0;
        }

        public void Remember(ReadOnlySpan<int> labels)
        {
            labels.CopyTo(_history.AsSpan(_historyUsed));
            _historyLengths[_historyCount++] = labels.Length;
            _historyUsed += labels.Length;
        }

        public bool Visited(ReadOnlySpan<int> labels)
        {
            int at = 0;
            for (int i = 0; i < _historyCount; i++)
            {
                int n = _historyLengths[i];
                if (n == labels.Length && labels.SequenceEqual(_history.AsSpan(at, n)))
                {
                    return true;
                }

                at += n;
            }

            return false;
        }
    }
}
