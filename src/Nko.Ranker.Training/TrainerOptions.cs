using System.Collections.Immutable;
using Nko.Candidates;
using Nko.Ctc;

namespace Nko.Ranker.Training;

/// <summary>Settings of <see cref="RankerTrainer"/>; every default is the one the shipped config was trained with.</summary>
public sealed record TrainerOptions
{
    /// <summary>The vocabulary of the recogniser (default: N'Ko, blank first).</summary>
    public CtcVocabulary Vocabulary { get; init; } = CtcVocabulary.NkoBlankFirst;

    /// <summary>The config's name.</summary>
    public string Name { get; init; } = "candidate_ranker_v1";

    /// <summary>
    /// Candidate-generator bounds written to the config (and used to build training rows). Default 96 candidates per
    /// round, minimum count 2, top 2 per label: on two-fold cross-validation over the nko-ctc-sim train split this
    /// matches the CER reduction of 128 candidates with the top 8 per label (conservative −11.0 vs −11.2 pp, none
    /// worse) while the correction takes about 0.8x the time. More candidates buy quality at a proportional cost
    /// (128 / top 2: −12.7 pp at 1.3x the time; 256 / top 2: −15.2 pp at 2.1x); see the package README.
    /// </summary>
    public GeneratorOptions Generator { get; init; } = new() { MaxCandidates = 96, MinCount = 2, TopKPerLabel = 2 };

    /// <summary>The most edits the config applies per utterance.</summary>
    public int MaxRounds { get; init; } = 24;

    /// <summary>Rounds of training rows per utterance: round 0 on the hypothesis, later rounds after applying a correct edit.</summary>
    public int TrainingRounds { get; init; } = 6;

    /// <summary>The L2 strengths tried; the one with the lowest dev log-loss is kept.</summary>
    public ImmutableArray<double> L2Grid { get; init; } = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

    /// <summary>The thresholds swept when calibrating modes.</summary>
    public ImmutableArray<double> Thresholds { get; init; } = DefaultThresholds();

    /// <summary>Maximum share of changed dev utterances that may get worse in <c>balanced</c> mode.</summary>
    public double BalancedMaxWorseShare { get; init; } = 0.01;

    /// <summary>Minimum share of accepted edits that must not increase the edit distance in <c>preservation</c> mode.</summary>
    public double PreservationMinPrecision { get; init; } = 0.99;

    /// <summary>Grid steps the conservative and preservation thresholds keep from the edges of the zero-worse run of thresholds.</summary>
    public int ConservativeMarginSteps { get; init; } = 10;

    /// <summary>Share of the best zero-worse CER reduction the conservative mode keeps while moving to stricter thresholds.</summary>
    public double ConservativeShare { get; init; } = 0.9;

    /// <summary>
    /// Whether <c>conservative</c> and <c>preservation</c> are also calibrated with a minimum CTC gain of 0 (an edit must
    /// not lower the CTC likelihood); the variant whose conservative dev CER is lower is kept, ties without. Default
    /// <see langword="true"/>: it stops an edit the confusion prior favours against the acoustics from pinning the
    /// zero-worse threshold high.
    /// </summary>
    public bool CalibrateMinCtcGain { get; init; } = true;

    /// <summary>
    /// Sentences to train a character language model on (one per item; e.g. the lines of <c>nko-text/train.txt</c>), or
    /// empty for a config without one (schema 1, the default). With text, the config gets the <c>lm_</c> features and a
    /// model trained on all of it (schema 2, <see cref="TrainingResult.LanguageModelFile"/>), and rows are featurised with
    /// cross-fitted models: a row whose reference is one of the sentences (after collapsing white space) is scored with a
    /// model trained on the other <see cref="LanguageModelFolds"/> − 1 folds, so the ranker does not learn to over-trust an
    /// LM that has seen the sentence; other rows use the full model.
    /// </summary>
    public ImmutableArray<string> LanguageModelText { get; init; } = [];

    /// <summary>The language model's n-gram order (default 6).</summary>
    public int LanguageModelOrder { get; init; } = 6;

    /// <summary>Folds of the LM text's distinct sentences for cross-fitting (sentence i in fold i mod k; default 5; 1 = no cross-fitting).</summary>
    public int LanguageModelFolds { get; init; } = 5;

    /// <summary>The LM file name the config references (relative to the config file; default <c>ranker.nkolm</c>).</summary>
    public string LanguageModelFileName { get; init; } = "ranker.nkolm";

    /// <summary>
    /// Whether a config with a language model also gets the beam-revision stage (schema 3): the beam + LM decode's
    /// differences from the hypothesis, each accepted by its own segment model at a per-mode threshold. Default
    /// <see langword="true"/>; without <see cref="LanguageModelText"/> there is no stage.
    /// </summary>
    public bool BeamRevision { get; init; } = true;

    /// <summary>
    /// The beam search of the revision stage. Default width 16, α 0.5, β 2, 8-best (the α/β that gave the lowest dev
    /// CER of beam + LM alone on nko-tts-asr; the 8 texts feed the n-best agreement feature).
    /// </summary>
    public BeamSearchOptions BeamRevisionSearch { get; init; } = new() { BeamWidth = 16, LmWeight = 0.5, LengthBonus = 2.0, NBest = 8 };

    /// <summary>
    /// Whether <c>conservative</c> and <c>preservation</c> may revise too (default <see langword="false"/>: they never
    /// revise). In two-fold cross-validation on nko-tts-asr's 1698 training rows, revision thresholds that no dev or
    /// training row contradicted still made 5 of 93 changed held-out rows worse (benchmarks' <c>lm-experiment
    /// --revise-safe-modes</c>); those modes promise none.
    /// </summary>
    public bool ReviseInSafeModes { get; init; }

    /// <summary>Features never used (for ablations), by name; default none.</summary>
    public ImmutableArray<string> ExcludedFeatures { get; init; } = [];

    /// <summary>Free text recorded in provenance.</summary>
    public string? Description { get; init; }

    /// <summary>Degree of parallelism for per-utterance work (results do not depend on it).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    private static ImmutableArray<double> DefaultThresholds()
    {
        var b = ImmutableArray.CreateBuilder<double>();
        for (int i = 1; i <= 98; i++)
        {
            b.Add(i / 100.0);
        }

        foreach (double t in new[] { 0.985, 0.99, 0.9925, 0.995, 0.9975, 0.999, 0.9995, 0.9999 })
        {
            b.Add(t);
        }

        return b.ToImmutable();
    }
}
