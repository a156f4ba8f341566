using Nko.Lm;
using Nko.Lm.Training;
using Nko.Ranker.Configuration;
using Nko.Ranker.Features;

namespace Nko.Ranker.Tests.Support;

/// <summary>A small character LM trained in-process on the dev50 references, and a schema-2 config that uses it.</summary>
internal static class LmFixture
{
    private static readonly Lazy<CharLanguageModel> LazyLm = new(() =>
    {
        var arpa = new StringWriter();
        KneserNeyTrainer.TrainText(TestData.Dev50.Rows.Select(r => r.Reference!), arpa, new KneserNeyOptions(4));
        return CharLanguageModel.LoadArpa(new StringReader(arpa.ToString()));
    });

    /// <summary>An order-4 LM of the dev50 references.</summary>
    public static CharLanguageModel Lm => LazyLm.Value;

    /// <summary>The LM's binary bytes.</summary>
    public static byte[] LmBytes()
    {
        using var stream = new MemoryStream();
        Lm.Save(stream);
        return stream.ToArray();
    }

    /// <summary>The hand-built config plus two LM features, with <see cref="Lm"/> referenced as <paramref name="fileName"/> (in memory; not loaded from a file).</summary>
    public static RankerConfig Config(string fileName = "hand.nkolm")
    {
        RankerConfig hand = HandConfig.Config;
        return new RankerConfig(
            "hand-with-lm",
            hand.Confusions,
            [.. hand.Features, FeatureNames.LmDeltaSentence, FeatureNames.LmOov],
            [.. hand.Means, 0, 0],
            [.. hand.Stds, 1, 1],
            [.. hand.Weights, 1.5, -3],
            hand.Bias,
            hand.Modes,
            hand.DefaultMode,
            hand.Generator,
            hand.MaxRounds,
            hand.Provenance,
            Lm,
            new LanguageModelReference(fileName, LanguageModelReference.HashOf(LmBytes()), Lm.Order));
    }

    /// <summary>Saves <see cref="Config"/> and its LM file in a new temporary folder; returns the config's path.</summary>
    public static string SaveToTemporaryFolder(string fileName = "hand.nkolm")
    {
        string folder = Directory.CreateTempSubdirectory("nko-lmcfg-").FullName;
        File.WriteAllBytes(Path.Combine(folder, fileName), LmBytes());
        string path = Path.Combine(folder, "config.json");
        Config(fileName).Save(path);
        return path;
    }
}
