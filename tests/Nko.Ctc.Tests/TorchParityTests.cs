using System.Text.Json;
using Nko.Ctc;

namespace Nko.Ctc.Tests;

public class TorchParityTests
{
    public static IEnumerable<object[]> Cases()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "ctc_torch_cases.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            yield return [doc.RootElement.GetProperty("name").GetString()!];
        }
    }

    private static readonly Lazy<Dictionary<string, JsonElement>> All = new(() =>
    {
        var result = new Dictionary<string, JsonElement>();
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "ctc_torch_cases.jsonl");
        foreach (string line in File.ReadLines(path))
        {
            var root = JsonDocument.Parse(line).RootElement;
            result[root.GetProperty("name").GetString()!] = root;
        }

        return result;
    });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_pytorch_ctc_loss(string name)
    {
        JsonElement c = All.Value[name];
        int frames = c.GetProperty("T").GetInt32(), classes = c.GetProperty("C").GetInt32(), blank = c.GetProperty("blank").GetInt32();
        float[] data = c.GetProperty("log_probs").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();
        int[] target = c.GetProperty("targets").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        JsonElement expected = c.GetProperty("logp");
        var m = new LogProbMatrix(data, frames, classes);
        double fast = CtcForward.LogLikelihood(m, blank, target);
        double reference = CtcForward.LogSpaceLogLikelihood(m, blank, target);
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(double.NegativeInfinity, fast);
            Assert.Equal(double.NegativeInfinity, reference);
            return;
        }

        double torch = expected.GetDouble();
        Assert.True(Math.Abs(fast - torch) <= 1e-4 * Math.Max(1, Math.Abs(torch)), $"{name}: torch {torch}, fast {fast}");
        Assert.True(Math.Abs(reference - torch) <= 1e-4 * Math.Max(1, Math.Abs(torch)), $"{name}: torch {torch}, reference {reference}");
    }
}
