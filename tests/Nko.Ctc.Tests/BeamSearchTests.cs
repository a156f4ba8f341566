using System.Collections.Concurrent;
using Nko.Data;
using Nko.Testing;

namespace Nko.Ctc.Tests;

/// <summary>Tie order, edge cases, options, determinism across threads and allocations of <see cref="CtcBeamSearch"/>.</summary>
public sealed class BeamSearchTests
{
    private static LogProbMatrix Matrix(int classes, params float[][] probabilities)
    {
        float[] data = [.. probabilities.SelectMany(row => row.Select(p => p == 0 ? float.NegativeInfinity : MathF.Log(p)))];
        return new LogProbMatrix(data, probabilities.Length, classes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Ties_keep_the_order_in_which_prefixes_were_reached(int blank)
    {
        CtcVocabulary vocab = CtcVocabulary.Create("ab", blank);
        int a = vocab.GetId('a'), b = vocab.GetId('b');
        float[] row = new float[3];
        row[blank] = 0.2f;
        row[a] = 0.4f;
        row[b] = 0.4f;
        var search = new CtcBeamSearch(vocab, null, new BeamSearchOptions { NBest = 3 });
        BeamSearchResult r = search.Decode(Matrix(3, row));
        Assert.Equal(["a", "b", ""], r.Hypotheses.Select(h => h.Text));
        Assert.Equal(r.Hypotheses[0].Score, r.Hypotheses[1].Score);
    }

    [Fact]
    public void Repeats_collapse_unless_a_blank_separates_them()
    {
        CtcVocabulary vocab = CtcVocabulary.Create("a", 0);
        // Frames a a _ a: best path "aa" (a blank between the runs).
        var r = new CtcBeamSearch(vocab, null, new BeamSearchOptions { NBest = 2 }).Decode(Matrix(2, [0.1f, 0.9f], [0.1f, 0.9f], [0.9f, 0.1f], [0.1f, 0.9f]));
        Assert.Equal("aa", r.Best!.Text);
        Assert.Equal(CtcForward.LogSpaceLogLikelihood(Matrix(2, [0.1f, 0.9f], [0.1f, 0.9f], [0.9f, 0.1f], [0.1f, 0.9f]), 0, [1, 1]), r.Best.CtcLogProb, 12);
    }

    [Fact]
    public void Only_blanks_give_the_empty_hypothesis_with_the_end_of_sentence_term()
    {
        var lm = BeamSearchTwinTests.TinyLm;
        var search = new CtcBeamSearch(CtcVocabulary.Create("ab", 0), lm, new BeamSearchOptions { LmWeight = 0.5 });
        BeamSearchResult r = search.Decode(Matrix(3, [1, 0, 0], [1, 0, 0]));
        Assert.Equal("", r.Best!.Text);
        Assert.Equal(0, r.Best.CtcLogProb);
        double end = lm.Score(lm.BeginSentenceState, lm.EndSentenceId, out _) * Nko.Lm.CharLanguageModel.Ln10;
        Assert.Equal(end, r.Best.LmLogProb);
        Assert.Equal(0.5 * end, r.Best.Score);
    }

    [Fact]
    public void A_frame_of_zeros_leaves_no_hypothesis()
    {
        var search = new CtcBeamSearch(CtcVocabulary.Create("ab", 0));
        BeamSearchResult r = search.Decode(Matrix(3, [0.5f, 0.5f, 0f], [0f, 0f, 0f]));
        Assert.Empty(r.Hypotheses);
        Assert.Null(r.Best);
        Assert.Equal(0, search.DecodeBest(Matrix(3, [0.5f, 0.5f, 0f], [0f, 0f, 0f]), new int[2], out double score));
        Assert.Equal(double.NegativeInfinity, score);
    }

    [Fact]
    public void Text_collapses_and_trims_spaces_but_labels_keep_them()
    {
        CtcVocabulary vocab = CtcVocabulary.Create("a ", 0);
        int sp = vocab.GetId(' ');
        var r = new CtcBeamSearch(vocab).Decode(Matrix(3, [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 0, 1]));
        Assert.Equal([sp, 1, sp, sp], r.Best!.Labels.ToArray());
        Assert.Equal("a", r.Best.Text);
    }

    [Fact]
    public void Options_are_validated()
    {
        var vocab = CtcVocabulary.Create("ab", 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { BeamWidth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { TokenLogProbCutoff = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { BeamPruning = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { LmWeight = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { LengthBonus = double.PositiveInfinity }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CtcBeamSearch(vocab, null, new BeamSearchOptions { NBest = 0 }));
        var search = new CtcBeamSearch(vocab);
        Assert.Throws<ArgumentException>(() => search.Decode(new LogProbMatrix(new float[4], 1, 4)));
        Assert.Throws<ArgumentException>(() => search.DecodeBest(Matrix(3, [0, 1, 0], [0, 0, 1]), new int[1], out _));
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count_or_the_instance()
    {
        CtcDataset data = BeamSearchData.TtsDev;
        var lm = BeamSearchData.Char6;
        string Run(int threads)
        {
            var texts = new string[data.Count];
            using var searches = new ThreadLocal<CtcBeamSearch>(() => new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, lm, new BeamSearchOptions { NBest = 3 }));
            Parallel.For(0, data.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                BeamSearchResult r = searches.Value!.Decode(data.GetLogProbs(i));
                texts[i] = string.Join(";", r.Hypotheses.Select(h => $"{h.Text}|{BitConverter.DoubleToInt64Bits(h.Score)}|{BitConverter.DoubleToInt64Bits(h.CtcLogProb)}|{BitConverter.DoubleToInt64Bits(h.LmLogProb)}"));
            });
            return string.Join("\n", texts);
        }

        string one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(4));

        // Rows in reverse order through one instance: the same bits as fresh instances per row.
        var shared = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, lm, new BeamSearchOptions { NBest = 3 });
        for (int i = data.Count - 1; i >= 0; i -= 7)
        {
            var a = shared.Decode(data.GetLogProbs(i));
            var b = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, lm, new BeamSearchOptions { NBest = 3 }).Decode(data.GetLogProbs(i));
            Assert.Equal(b.Hypotheses.Select(h => (h.Text, h.Score)), a.Hypotheses.Select(h => (h.Text, h.Score)));
        }
    }

    [Fact]
    public void DecodeBest_allocates_nothing_once_warm_and_agrees_with_Decode()
    {
        CtcDataset data = BeamSearchData.TtsDev;
        var search = new CtcBeamSearch(CtcVocabulary.NkoBlankFirst, BeamSearchData.Char6);
        int[] labels = new int[data.Frames];
        for (int i = 0; i < data.Count; i++)
        {
            search.DecodeBest(data.GetLogProbs(i), labels, out _); // warm: buffers grow to the largest row
        }

        for (int i = 0; i < data.Count; i += 13)
        {
            LogProbMatrix m = data.GetLogProbs(i);
            int n = 0;
            double score = 0;
            long bytes = AllocationProbe.Fewest(() => n = search.DecodeBest(m, labels, out score));
            Assert.Equal(0, bytes);
            BeamHypothesis best = search.Decode(m).Best!;
            Assert.Equal(best.Labels, labels.AsSpan(0, n).ToArray());
            Assert.Equal(best.Score, score);
        }
    }
}
