using Nko.Candidates;
using Nko.Ctc;
using Nko.Ranker.Profiling;

namespace Nko.Ranker.Configuration;

// Writing: a config to its DTOs and deterministic indented UTF-8 (the same config always gives the same bytes).
internal static partial class RankerConfigJson
{
    // The config as indented UTF-8 JSON with a final newline.
    public static byte[] Write(RankerConfig config)
    {
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ToDto(config), Context.ConfigDto);
        byte[] result = new byte[body.Length + 1];
        body.CopyTo(result, 0);
        result[^1] = (byte)'\n';
        return result;
    }

    private static ConfigDto ToDto(RankerConfig c)
    {
        CtcVocabulary v = c.Vocabulary;
        var labels = new List<string>(v.Count - 1);
        for (int id = 0; id < v.Count; id++)
        {
            if (id != v.BlankIndex)
            {
                labels.Add(v.GetSymbol(id).ToString());
            }
        }

        string Sym(int id) => v.GetSymbol(id).ToString();
        var ops = new List<string>();
        if ((c.Generator.Operations & EditOperations.Substitute) != 0)
        {
            ops.Add("sub");
        }

        if ((c.Generator.Operations & EditOperations.Delete) != 0)
        {
            ops.Add("del");
        }

        if ((c.Generator.Operations & EditOperations.Insert) != 0)
        {
            ops.Add("ins");
        }

        var hypCounts = new List<LabelCountDto>();
        for (int id = 0; id < v.Count; id++)
        {
            int count = c.Confusions.GetHypothesisLabelCount(id);
            if (count > 0)
            {
                hypCounts.Add(new LabelCountDto { Label = Sym(id), Count = count });
            }
        }

        RankerProvenance p = c.Provenance;
        return new ConfigDto
        {
            SchemaVersion = c.Schema,
            Name = c.Name,
            Vocabulary = new VocabularyDto { BlankIndex = v.BlankIndex, Labels = labels },
            Features = [.. c.Features],
            Means = [.. c.Means],
            Stds = [.. c.Stds],
            Weights = [.. c.Weights],
            Bias = c.Bias,
            DefaultMode = c.DefaultMode,
            Modes = c.Modes.Select(m => new ModeDto { Name = m.Name, Threshold = m.Threshold, MinCtcGain = m.MinCtcGain, RevisionThreshold = m.RevisionThreshold }).ToList(),
            Generator = new GeneratorDto
            {
                MaxRounds = c.MaxRounds,
                MaxCandidates = c.Generator.MaxCandidates,
                MinCount = c.Generator.MinCount,
                TopKPerLabel = c.Generator.TopKPerLabel,
                Operations = ops,
                Shortlist = c.Generator.Shortlist,
            },
            LanguageModel = c.LanguageModelReference is { } lm ? new LanguageModelDto { Path = lm.Path, Sha256 = lm.Sha256, Order = lm.Order } : null,
            BeamRevision = c.BeamRevision is { } br ? ToDto(br) : null,
            InputProfile = c.InputProfile is { } ip ? ToDto(ip) : null,
            Confusions = new ConfusionsDto
            {
                Substitutions = c.Confusions.Substitutions.Select(s => new SubstitutionDto { From = Sym(s.From), To = Sym(s.To), Count = s.Count }).ToList(),
                Deletions = c.Confusions.Deletions.Select(d => new LabelCountDto { Label = Sym(d.Label), Count = d.Count }).ToList(),
                Insertions = c.Confusions.Insertions.Select(d => new InsertionDto { Label = Sym(d.Label), After = d.LeftContext < 0 ? null : Sym(d.LeftContext), Count = d.Count }).ToList(),
                HypothesisLabelCounts = hypCounts,
            },
            Provenance = new ProvenanceDto
            {
                Description = p.Description,
                Trainer = p.Trainer,
                ToolVersion = p.ToolVersion,
                Options = p.Options,
                TrainData = p.TrainData,
                DevData = p.DevData,
                TrainRows = p.TrainRows,
                DevRows = p.DevRows,
                TrainRowsSha256 = p.TrainRowsSha256,
                TrainingExamples = p.TrainingExamples,
                PositiveExamples = p.PositiveExamples,
                L2 = p.L2,
                GradientNorm = p.GradientNorm,
                Iterations = p.Iterations,
                DevBaselineCer = p.DevBaselineCer,
                DevModes = p.DevModes.IsDefaultOrEmpty ? null : p.DevModes.Select(m => new ModeMetricsDto
                {
                    Mode = m.Mode, Cer = m.Cer, DeltaPp = m.DeltaPp, Better = m.Better, Same = m.Same, Worse = m.Worse, Changed = m.Changed,
                }).ToList(),
                Notes = p.Notes,
            },
        };
    }

    private static BeamRevisionDto ToDto(BeamRevisionConfig r) => new()
    {
        BeamWidth = r.Search.BeamWidth,
        TokenCutoff = r.Search.TokenLogProbCutoff,
        BeamPruning = r.Search.BeamPruning,
        Alpha = r.Search.LmWeight,
        Beta = r.Search.LengthBonus,
        NBest = r.Search.NBest,
        Features = [.. r.Features],
        Means = [.. r.Means],
        Stds = [.. r.Stds],
        Weights = [.. r.Weights],
        Bias = r.Bias,
        Keys = [.. r.Keys.Select(k => new SegmentKeyDto { From = k.From, To = k.To, Left = k.Left, Right = k.Right, Helped = k.Helped, Seen = k.Seen })],
    };

    private static InputProfileDto ToDto(InputProfile p) => new()
    {
        Utterances = p.Utterances,
        Statistics = [.. p.Statistics.Select(s => new InputStatisticDto { Name = s.Name, Mean = s.Mean, Std = s.Std, Quantiles = [.. s.Quantiles] })],
    };
}
