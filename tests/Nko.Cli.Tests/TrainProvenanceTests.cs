using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Nko.Ctc;
using Nko.Data;
using Nko.Ranker.Configuration;

namespace Nko.Cli.Tests;

/// <summary>What <c>nko train</c> records about its data and itself in the config's provenance.</summary>
public sealed class TrainProvenanceTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("nko-train-prov-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Provenance_has_the_folders_the_rows_hash_the_tool_version_and_the_options()
    {
        string train = Path.Combine(_dir.FullName, "train30"), dev = Path.Combine(_dir.FullName, "dev20");
        Cli.CopyDev50(train, 30);
        Cli.CopyDev50(dev, 20);
        string config = Path.Combine(_dir.FullName, "b.json");
        CliResult r = Cli.Run("train", "--train", train, "--dev", dev, "--out", config, "--name", "candidate_b", "--top-k", "3");
        Assert.Equal(0, r.Code);
        RankerConfig loaded = RankerConfig.Load(config);
        Assert.Equal("candidate_b", loaded.Name);
        RankerProvenance p = loaded.Provenance;
        Assert.Equal("train30", p.TrainData);
        Assert.Equal("dev20", p.DevData);
        Assert.StartsWith("nko 0.", p.ToolVersion, StringComparison.Ordinal);
        Assert.Contains("top_k=3", p.Options, StringComparison.Ordinal);
        Assert.Equal(ExpectedHash(train), p.TrainRowsSha256);

        CliResult eval = Cli.Run("eval", "--data", dev, "--config", config);
        Assert.Contains("config 'candidate_b'", eval.Stdout, StringComparison.Ordinal);
    }

    // The documented definition, computed independently of the CLI's code.
    private static string ExpectedHash(string folder)
    {
        CtcDataset ds = CtcDataset.Load(folder);
        using var bytes = new MemoryStream();
        for (int i = 0; i < ds.Count; i++)
        {
            foreach (string text in (string[])[ds.Rows[i].Hypothesis, ds.Rows[i].Reference!])
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                bytes.Write(BitConverter.GetBytes(utf8.Length));
                bytes.Write(utf8);
            }

            LogProbMatrix m = ds.GetLogProbs(i);
            bytes.Write(BitConverter.GetBytes(m.Frames));
            bytes.Write(BitConverter.GetBytes(m.Classes));
            foreach (float v in m.Span)
            {
                byte[] f = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(f, v);
                bytes.Write(f);
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
    }
}
