using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;
using Nko.Ranker.Evaluation;
using Nko.Ranker.Tests.Support;

namespace Nko.Ranker.Tests;

/// <summary>
/// End to end on samples/dev50 with the checked-in hand-built config: every mode's output for every row, and the
/// evaluation table, equal the checked-in expectations.
/// </summary>
/// <remarks>
/// Texts, decisions and edits must match exactly. Probabilities and CTC gains must match to 1e-9 (they are
/// deterministic, but the tolerance keeps this test about behaviour, not about the last bit of an optimised scorer).
/// To regenerate after an intended change, run with <c>NKO_UPDATE_EXPECTED=1</c> and review the diff.
/// </remarks>
public sealed class CorrectionPipelineEndToEndTests
{
    public const string ExpectedOutputsName = "dev50_handbuilt_expected.jsonl";
    public const string ExpectedEvalName = "dev50_handbuilt_eval.json";
    private const double Tolerance = 1e-9;

    private static bool Update => Environment.GetEnvironmentVariable("NKO_UPDATE_EXPECTED") == "1";

    [Fact]
    public void Every_mode_on_every_row_matches_the_checked_in_outputs()
    {
        RankerConfig config = TestData.HandBuiltConfig;
        var pipeline = new CorrectionPipeline(config);
        CtcDataset data = TestData.Dev50;
        var actual = new List<string>();
        foreach (OperatingMode mode in config.Modes)
        {
            for (int i = 0; i < data.Count; i++)
            {
                CtcDatasetRow row = data.Rows[i];
                CorrectionResult r = pipeline.Correct(data.GetLogProbs(i), row.Hypothesis, mode.Name, TestData.AsrScore(row));
                actual.Add(Line(i, row, r, config.Vocabulary));
            }
        }

        if (Update)
        {
            File.WriteAllText(TestData.SourceFixture(ExpectedOutputsName), string.Join("\n", actual) + "\n", new UTF8Encoding(false));
            return;
        }

        string[] expected = File.ReadAllLines(TestData.Fixture(ExpectedOutputsName), Encoding.UTF8);
        Assert.Equal(expected.Length, actual.Count);
        for (int k = 0; k < expected.Length; k++)
        {
            AssertSameLine(expected[k], actual[k]);
        }
    }

    [Fact]
    public void The_evaluation_table_matches_the_checked_in_table()
    {
        RankerConfig config = TestData.HandBuiltConfig;
        var pipeline = new CorrectionPipeline(config);
        CtcDataset data = TestData.Dev50;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("rows", data.Count);
            var baseline = new CerTally();
            foreach (CtcDatasetRow row in data.Rows)
            {
                baseline.Add(row.Reference!, row.Hypothesis, row.Hypothesis);
            }

            json.WriteStartObject("baseline");
            json.WriteNumber("cer", baseline.BaselineCer);
            json.WriteEndObject();
            json.WriteStartObject("modes");
            foreach (OperatingMode mode in config.Modes)
            {
                var tally = new CerTally();
                for (int i = 0; i < data.Count; i++)
                {
                    CtcDatasetRow row = data.Rows[i];
                    tally.Add(row.Reference!, row.Hypothesis, pipeline.Correct(data.GetLogProbs(i), row.Hypothesis, mode.Name, TestData.AsrScore(row)).Text);
                }

                json.WriteStartObject(mode.Name);
                json.WriteNumber("cer", tally.Cer);
                json.WriteNumber("delta_pp", tally.DeltaPp);
                json.WriteNumber("better", tally.Better);
                json.WriteNumber("same", tally.Same);
                json.WriteNumber("worse", tally.Worse);
                json.WriteNumber("changed", tally.Changed);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        string actual = Encoding.UTF8.GetString(buffer.WrittenSpan).ReplaceLineEndings("\n") + "\n";
        if (Update)
        {
            File.WriteAllText(TestData.SourceFixture(ExpectedEvalName), actual, new UTF8Encoding(false));
            return;
        }

        Assert.Equal(File.ReadAllText(TestData.Fixture(ExpectedEvalName), Encoding.UTF8), actual);
    }

    [Fact]
    public void The_hand_built_config_behaves_like_its_modes_promise()
    {
        // Sanity of the fixture itself: stricter modes change fewer utterances, and the most conservative makes none worse.
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(TestData.Fixture(ExpectedEvalName)));
        JsonElement modes = doc.RootElement.GetProperty("modes");
        int[] changed = [.. TestData.HandBuiltConfig.Modes.OrderBy(m => m.Threshold).Select(m => modes.GetProperty(m.Name).GetProperty("changed").GetInt32())];
        Assert.Equal(changed.OrderDescending(), changed);
        Assert.Equal(0, modes.GetProperty("conservative").GetProperty("worse").GetInt32());
        Assert.Equal(0, modes.GetProperty("preservation").GetProperty("worse").GetInt32());
        Assert.True(modes.GetProperty("conservative").GetProperty("delta_pp").GetDouble() < 0);
    }

    private static string Line(int index, CtcDatasetRow row, CorrectionResult r, CtcVocabulary vocabulary)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin, UnicodeRanges.NKo, UnicodeRanges.Arrows) }))
        {
            json.WriteStartObject();
            json.WriteNumber("index", index);
            json.WriteString("feat_id", row.FeatId);
            json.WriteString("mode", r.Mode);
            json.WriteString("asr_hyp", r.Hypothesis);
            json.WriteString("text", r.Text);
            json.WriteString("decision", r.Decision == CorrectionDecision.Copy ? "COPY" : "CORRECTED");
            json.WriteStartArray("edits");
            foreach (AppliedEdit e in r.Edits)
            {
                json.WriteStartObject();
                json.WriteString("op", e.Edit.Kind switch { EditKind.Substitute => "SUB", EditKind.Delete => "DEL", _ => "INS" });
                json.WriteNumber("position", e.Edit.Position);
                if (e.Edit.Kind == EditKind.Delete)
                {
                    json.WriteNull("label");
                }
                else
                {
                    json.WriteString("label", vocabulary.GetSymbol(e.Edit.Label).ToString());
                }

                json.WriteString("description", e.Description);
                json.WriteNumber("probability", e.Probability);
                json.WriteNumber("ctc_gain", e.CtcGain);
                json.WriteNumber("round", e.Round);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void AssertSameLine(string expected, string actual)
    {
        using JsonDocument e = JsonDocument.Parse(expected);
        using JsonDocument a = JsonDocument.Parse(actual);
        string where = $"row {e.RootElement.GetProperty("index")} mode {e.RootElement.GetProperty("mode")}";
        foreach (string key in new[] { "index", "feat_id", "mode", "asr_hyp", "text", "decision" })
        {
            Assert.True(e.RootElement.GetProperty(key).GetRawText() == a.RootElement.GetProperty(key).GetRawText(), $"{where}: {key} differs\nexpected {expected}\nactual   {actual}");
        }

        JsonElement[] ee = [.. e.RootElement.GetProperty("edits").EnumerateArray()];
        JsonElement[] ae = [.. a.RootElement.GetProperty("edits").EnumerateArray()];
        Assert.True(ee.Length == ae.Length, $"{where}: edit count differs\nexpected {expected}\nactual   {actual}");
        for (int k = 0; k < ee.Length; k++)
        {
            foreach (string key in new[] { "op", "position", "label", "description", "round" })
            {
                Assert.True(ee[k].GetProperty(key).GetRawText() == ae[k].GetProperty(key).GetRawText(), $"{where} edit {k}: {key} differs");
            }

            foreach (string key in new[] { "probability", "ctc_gain" })
            {
                double x = ee[k].GetProperty(key).GetDouble(), y = ae[k].GetProperty(key).GetDouble();
                Assert.True(Math.Abs(x - y) <= Tolerance * Math.Max(1, Math.Abs(x)), string.Create(CultureInfo.InvariantCulture, $"{where} edit {k}: {key} {y:R} vs expected {x:R}"));
            }
        }
    }
}
