using Nko.Data;

namespace Nko.Cli.Tests;

/// <summary>An utterance past the pipeline's limits is a one-line error naming the row, not a crash.</summary>
public class CorrectLimitTests
{
    [Fact]
    public void A_row_with_more_frames_than_the_limit_is_a_one_line_error_naming_the_row()
    {
        // The hardening issue's repro: a [1, 100000, 66] data set aborted the process (the scorer's table sizes wrapped).
        using var dir = new CliTempDir();
        string data = Path.Combine(dir.Path, "long");
        Directory.CreateDirectory(data);
        const int frames = 100_000, classes = 66;
        var values = new Half[frames * classes];
        Array.Fill(values, (Half)(-Math.Log(classes)));
        NpyFile.Write(Path.Combine(data, "logprobs.npy"), values, [1, frames, classes]);
        File.WriteAllText(Path.Combine(data, "rows.jsonl"), "{\"feat_id\": \"long\", \"asr_hyp\": \"ߊߓߊߓ\", \"asr_score\": -1.0}\n");

        CliResult r = Cli.Run("correct", "--data", data, "--config", CorrectionFixtures.ConfigPath, "--out", dir.File("out.jsonl"));

        Assert.Equal(1, r.Code);
        Assert.StartsWith("nko: error:", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("row 0 (feat_id long)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("MaxFrames (30000)", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("out.jsonl")));
    }
}
