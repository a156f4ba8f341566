using Nko.Ctc;
using Nko.Testing;

namespace Nko.Data.Tests;

public class CtcDatasetTests
{
    private const int T = 4;
    private const int C = 3;

    /// <summary>Writes a dataset folder with <paramref name="matrices"/> float32 matrices [T=4, C=3] and the given rows.jsonl lines.</summary>
    private static void WriteDataset(string dir, int matrices, params string[] lines)
    {
        float[] values = new float[matrices * T * C];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = -(i % 7) - (i / (T * C));
        }

        NpyFile.Write(Path.Combine(dir, "logprobs.npy"), values, [matrices, T, C]);
        File.WriteAllLines(Path.Combine(dir, "rows.jsonl"), lines);
    }

    [Fact]
    public void Loads_the_bundled_sample()
    {
        CtcDataset ds = CtcDataset.Load(TestFiles.Dev50);
        Assert.Equal(50, ds.Count);
        Assert.Equal(375, ds.Frames);
        Assert.Equal(66, ds.Classes);
        Assert.Equal(TestFiles.Dev50, ds.Directory);
        CtcDatasetRow first = ds.Rows[0];
        Assert.Equal(0, first.Index);
        Assert.Equal("test_000716", first.FeatId);
        Assert.Equal(-0.444711, first.AsrScore);
        Assert.Equal(143, first.SpeechFrames);
        Assert.StartsWith("ߛߌߓߏߟߏ", first.Reference, StringComparison.Ordinal);
        Assert.StartsWith("ߖߟߎ ߔߏ߲", first.Hypothesis, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 50), ds.Rows.Select(r => r.Index));

        // Row views are the stored float16 values converted once.
        Half[] stored = NpyFile.Read(Path.Combine(TestFiles.Dev50, "logprobs.npy")).ToHalfArray();
        LogProbMatrix m = ds.GetLogProbs(7);
        Assert.Equal(375, m.Frames);
        Assert.Equal(66, m.Classes);
        Assert.Equal(stored.AsSpan(7 * 375 * 66, 375 * 66).ToArray().Select(h => (float)h), m.Span.ToArray());
        m.Validate(CtcVocabulary.NkoBlankFirst);
    }

    [Fact]
    public void Sample_asr_hyp_is_the_greedy_decode_of_the_stored_float16_matrix() =>
        AssertHypothesesAreGreedyDecodes(TestFiles.Dev50);

    [SharedDataFact("dev")]
    public void Shared_dev_asr_hyp_is_the_greedy_decode_of_the_stored_matrix() =>
        AssertHypothesesAreGreedyDecodes(TestFiles.SharedSplit("dev")!);

    [SharedDataFact("train")]
    public void Shared_train_asr_hyp_is_the_greedy_decode_of_the_stored_matrix() =>
        AssertHypothesesAreGreedyDecodes(TestFiles.SharedSplit("train")!);

    private static void AssertHypothesesAreGreedyDecodes(string dir)
    {
        CtcDataset ds = CtcDataset.Load(dir);
        CtcVocabulary vocab = CtcVocabulary.NkoBlankFirst;
        Assert.True(ds.Count > 0);
        for (int i = 0; i < ds.Count; i++)
        {
            GreedyResult g = GreedyDecoder.Decode(ds.GetLogProbs(i), vocab.BlankIndex);
            Assert.True(ds.Rows[i].Hypothesis == vocab.Decode(g.Labels.AsSpan()), $"row {i} ({ds.Rows[i].FeatId})");
        }
    }

    [Fact]
    public void Rows_map_to_matrices_by_index_and_optional_fields_default()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(
            dir.Path,
            3,
            """{"feat_id": "b", "asr_hyp": "x", "index": 2, "ref": "y", "asr_score": -0.5, "speech_frames": 3, "frames": 4}""",
            "",
            """{"asr_hyp": "", "ref": null}""",
            "   ",
            """{"asr_hyp": "z", "index": 0, "extra": {"ignored": [1, 2]}}""");
        CtcDataset ds = CtcDataset.Load(dir.Path);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new CtcDatasetRow(2, "b", "x", "y", -0.5, 3) { Line = 1 }, ds.Rows[0]);
        Assert.Equal([1, 3, 5], ds.Rows.Select(r => r.Line)); // blank lines count as lines, not rows
        Assert.Equal(Path.Combine(dir.Path, "rows.jsonl"), ds.RowsPath);
        Assert.Equal(Path.Combine(dir.Path, "logprobs.npy"), ds.LogProbsPath);
        Assert.Equal(1, ds.Rows[1].Index); // no index: the row's position
        Assert.Equal("1", ds.Rows[1].FeatId);
        Assert.Null(ds.Rows[1].Reference);
        Assert.True(double.IsNaN(ds.Rows[1].AsrScore));
        Assert.Equal(-1, ds.Rows[1].SpeechFrames);
        Assert.Equal(-5f, ds.GetLogProbs(0).Span[0]); // row 0 views matrix 2: value 24 is -(24 % 7) - 2
        Assert.Equal(0f, ds.GetLogProbs(2).Span[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetLogProbs(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetLogProbs(-1));
    }

    [Theory]
    [InlineData("""{"asr_hyp": "x", """, "not valid JSON")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"asr_hyp": "x"} {"asr_hyp": "y"}""", "not valid JSON")]
    [InlineData("""{"asr_hyp": "x", "asr_score": NaN}""", "not valid JSON")]
    [InlineData("""{"asr_hyp": "x", "asr_score": Infinity}""", "not valid JSON")]
    [InlineData("""{"a": [[[[[[[[[[[[1]]]]]]]]]]]], "asr_hyp": "x"}""", "not valid JSON")]
    [InlineData("[1, 2]", "a row must be a JSON object")]
    [InlineData("\"asr_hyp\"", "a row must be a JSON object")]
    [InlineData("""{"index": 0}""", "\"asr_hyp\" is missing or not a string")]
    [InlineData("""{"asr_hyp": 5}""", "\"asr_hyp\" is missing or not a string")]
    [InlineData("""{"asr_hyp": null}""", "\"asr_hyp\" is missing or not a string")]
    [InlineData("""{"asr_hyp": "x", "index": 2}""", "index 2 is outside the 2 matrices of logprobs.npy")]
    [InlineData("""{"asr_hyp": "x", "index": 2147483647}""", "index 2147483647 is outside the 2 matrices")]
    [InlineData("""{"asr_hyp": "x", "index": -1}""", "\"index\" must be a non-negative integer")]
    [InlineData("""{"asr_hyp": "x", "index": 1.5}""", "\"index\" must be a non-negative integer")]
    [InlineData("""{"asr_hyp": "x", "index": 1e10}""", "\"index\" must be a non-negative integer")]
    [InlineData("""{"asr_hyp": "x", "index": "1"}""", "\"index\" must be a non-negative integer")]
    [InlineData("""{"asr_hyp": "x", "index": null}""", "\"index\" must be a non-negative integer")]
    [InlineData("""{"asr_hyp": "x", "asr_score": 1e999}""", "\"asr_score\" must be a finite number")]
    [InlineData("""{"asr_hyp": "x", "asr_score": -1e400}""", "\"asr_score\" must be a finite number")]
    [InlineData("""{"asr_hyp": "x", "asr_score": "high"}""", "\"asr_score\" must be a finite number")]
    [InlineData("""{"asr_hyp": "x", "speech_frames": 2.5}""", "\"speech_frames\" must be an integer")]
    [InlineData("""{"asr_hyp": "x", "frames": 5}""", "\"frames\" is 5 but logprobs.npy has 4 frames per row")]
    [InlineData("""{"asr_hyp": "x", "frames": 0}""", "\"frames\" must be a positive integer")]
    [InlineData("""{"asr_hyp": "x", "feat_id": 12}""", "\"feat_id\" must be a string")]
    [InlineData("""{"asr_hyp": "x", "ref": ["y"]}""", "\"ref\" must be a string")]
    public void Malformed_rows_name_the_file_and_one_based_line(string badLine, string fragment)
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 2, """{"asr_hyp": "ok", "index": 0}""", "", badLine, """{"asr_hyp": "ok", "index": 1}""");
        var e = Assert.Throws<DatasetFormatException>(() => CtcDataset.Load(dir.Path));
        string rows = Path.Combine(dir.Path, "rows.jsonl");
        Assert.Equal(3, e.Line);
        Assert.Equal(rows, e.File);
        Assert.StartsWith($"{rows}, line 3: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber: 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_errors_give_the_byte_position_in_the_line()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 1, """{"asr_hyp": "x" "index": 0}""");
        var e = Assert.Throws<DatasetFormatException>(() => CtcDataset.Load(dir.Path));
        Assert.Contains("line 1: not valid JSON (", e.Message, StringComparison.Ordinal);
        Assert.Contains("at byte 17", e.Message, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(e.InnerException, exactMatch: false);
    }

    [Fact]
    public void Missing_folder_and_files_are_clear_errors()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        string missing = Path.Combine(dir.Path, "nope");
        var e1 = Assert.Throws<DirectoryNotFoundException>(() => CtcDataset.Load(missing));
        Assert.Contains(missing, e1.Message, StringComparison.Ordinal);

        File.WriteAllText(dir.File("rows.jsonl"), """{"asr_hyp": ""}""");
        var e2 = Assert.Throws<FileNotFoundException>(() => CtcDataset.Load(dir.Path));
        Assert.Contains("has no logprobs.npy", e2.Message, StringComparison.Ordinal);
        Assert.Equal(dir.File("logprobs.npy"), e2.FileName);

        File.Delete(dir.File("rows.jsonl"));
        NpyFile.Write(dir.File("logprobs.npy"), new float[T * C], [1, T, C]);
        var e3 = Assert.Throws<FileNotFoundException>(() => CtcDataset.Load(dir.Path));
        Assert.Contains("has no rows.jsonl", e3.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => CtcDataset.Load(null!));
    }

    [Theory]
    [InlineData(new[] { 4, 3 }, "expected shape [N, T, C], found (4, 3)")]
    [InlineData(new[] { 12 }, "expected shape [N, T, C], found (12,)")]
    [InlineData(new[] { 1, 1, 4, 3 }, "expected shape [N, T, C], found (1, 1, 4, 3)")]
    [InlineData(new[] { 2, 0, 3 }, "has no frames or fewer than two classes")]
    [InlineData(new[] { 2, 6, 1 }, "has no frames or fewer than two classes")]
    public void Log_prob_shapes_that_are_not_N_T_C_are_rejected(int[] shape, string fragment)
    {
        using var dir = new TempDirectory("nko-data-tests-");
        NpyFile.Write(dir.File("logprobs.npy"), new float[shape.Aggregate(1, (p, d) => p * d)], shape);
        File.WriteAllText(dir.File("rows.jsonl"), """{"asr_hyp": ""}""");
        var e = Assert.Throws<DatasetFormatException>(() => CtcDataset.Load(dir.Path));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Contains("logprobs.npy", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_rows_than_matrices_is_a_shape_mismatch_naming_the_line()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 2, """{"asr_hyp": ""}""", """{"asr_hyp": ""}""", """{"asr_hyp": ""}""");
        var e = Assert.Throws<DatasetFormatException>(() => CtcDataset.Load(dir.Path));
        Assert.Equal(3, e.Line);
        Assert.Contains("index 2 is outside the 2 matrices", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    public void Empty_rows_file_is_rejected(string content)
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 1);
        File.WriteAllText(dir.File("rows.jsonl"), content);
        var e = Assert.Throws<DatasetFormatException>(() => CtcDataset.Load(dir.Path));
        Assert.Contains("no rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_log_probs_raise_NpyFormatException_naming_the_file()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 2, """{"asr_hyp": ""}""");
        byte[] bytes = File.ReadAllBytes(dir.File("logprobs.npy"));
        File.WriteAllBytes(dir.File("logprobs.npy"), bytes[..^5]);
        var e = Assert.Throws<NpyFormatException>(() => CtcDataset.Load(dir.Path));
        Assert.StartsWith(dir.File("logprobs.npy") + ": Truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_with_a_byte_order_mark_and_crlf_line_ends_load()
    {
        using var dir = new TempDirectory("nko-data-tests-");
        WriteDataset(dir.Path, 1);
        File.WriteAllText(dir.File("rows.jsonl"), "{\"asr_hyp\": \"ߊ\"}\r\n", new System.Text.UTF8Encoding(true));
        Assert.Equal("ߊ", CtcDataset.Load(dir.Path).Rows[0].Hypothesis);
    }

    [Fact]
    public void ReadRows_validates_its_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => CtcDataset.ReadRows(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CtcDataset.ReadRows("x", -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CtcDataset.ReadRows("x", 1, -1));
    }
}
