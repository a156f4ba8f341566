using Nko.Data;
using Nko.Lm;
using Xunit.Abstractions;

namespace Nko.Ctc.Tests;

/// <summary>The beam search against the reference decoder's texts on nko-tts-asr/dev (lm-fixtures README).</summary>
public sealed class BeamSearchFixtureTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Matches_the_reference_decoder(bool withLm)
    {
        CtcDataset data = BeamSearchData.TtsDev;
        string[] expected = BeamSearchData.ReferenceHyps(withLm ? "prefix_b16_char6_a0.5_b2_tts_dev.hyps.jsonl" : "prefix_b16_nolm_tts_dev.hyps.jsonl");
        CtcVocabulary vocab = CtcVocabulary.NkoBlankFirst;
        var search = new CtcBeamSearch(vocab, withLm ? BeamSearchData.Char6 : null, new BeamSearchOptions { NBest = 4 });
        int same = 0;
        for (int i = 0; i < data.Count; i++)
        {
            LogProbMatrix m = data.GetLogProbs(i);
            BeamSearchResult r = search.Decode(m);
            if (r.Best!.Text == expected[i])
            {
                same++;
                continue;
            }

            output.WriteLine($"row {i}: ours  {r.Best.Text} ({r.Best.Score:R})");
            output.WriteLine($"row {i}: ref   {expected[i]}");
            foreach (BeamHypothesis h in r.Hypotheses.Skip(1))
            {
                output.WriteLine($"   alt {h.Text} score {h.Score:R} ctc {h.CtcLogProb:R} lm {h.LmLogProb:R}");
            }
        }

        output.WriteLine($"{same} of {data.Count} identical");
        Assert.True(same >= data.Count * 98 / 100, $"{same} of {data.Count} identical");
    }
}
