using Nko.Data;
using Nko.Testing;

namespace Nko.Ctc.Tests;

/// <summary>
/// The exact fallbacks are for pathological matrices: on recogniser output every hypothesis keeps its tables, so edits
/// stay O(T) splices (a fallback there would make each correction round many times slower).
/// </summary>
public class CtcScorerRecogniserTests
{
    [Fact]
    public void Greedy_hypotheses_and_their_edited_descendants_keep_their_tables_on_recogniser_output()
    {
        CtcDataset data = CtcDataset.Load(RepositoryPaths.Combine("samples", "dev50"));
        var scorer = new CtcScorer();
        var rng = new Random(1);
        int checkedCount = 0;
        for (int i = 0; i < data.Count; i++)
        {
            scorer.Reset(data.GetLogProbs(i), 0);
            int[] hyp = CtcVocabulary.NkoBlankFirst.Encode(data.Rows[i].Hypothesis);
            for (int round = 0; round < 20; round++)
            {
                Assert.True(double.IsFinite(scorer.SetHypothesis(hyp)), $"row {i} round {round}");
                Assert.True(scorer.Core.Tables.SpliceOk, $"row {i} round {round}: [{string.Join(",", hyp)}] fell back");
                checkedCount++;
                LabelEdit[] edits = [.. EditEnumeration.All(hyp.Length, data.Classes, 0)];
                hyp = edits[rng.Next(edits.Length)].Apply(hyp); // random edits drift far from what the recogniser said
            }
        }

        Assert.Equal(1000, checkedCount);
    }
}
