namespace Nko.TurboQuant.Tests;

/// <summary>The package README's example, as written there (features synthetic), so it cannot rot.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nko-turboquant-readme-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_readme_example_runs_and_says_what_it_claims()
    {
        Half[] features = TestData.WhisperLike(1500, 1280, 42);

        // The seed's affine4:g32: 5 bits per value, 3.2x smaller than fp16.
        var quantizer = new Quantizer(QuantOptions.Affine(bits: 4, groupSize: 32), rowLength: 1280);
        byte[] encoded = new byte[quantizer.GetEncodedLength(rows: 1500)];
        quantizer.Quantize(features, encoded);

        float[] restored = new float[features.Length];
        quantizer.Dequantize(encoded, restored);

        QuantMetrics m = QuantMetrics.Compute(features, restored, quantizer.BitsPerValue);
        Assert.Equal(5.0, m.BitsPerValue);
        Assert.Equal(3.2, m.CompressionVsFp16, 12);

        string path = Path.Combine(_dir, "features.nkq");
        var tensor = QuantizedTensor.Quantize(features, [1500, 1280], QuantOptions.Turbo(bits: 4));
        using (var file = File.Create(path))
        {
            tensor.WriteTo(file);
        }

        using (var file = File.OpenRead(path))
        {
            tensor = QuantizedTensor.ReadFrom(file);
        }

        float[] again = tensor.ToSingleArray();
        Assert.Equal(features.Length, again.Length);
        Assert.Equal(4.125, tensor.BitsPerValue);
        Assert.True(QuantMetrics.Compute(features, again, tensor.BitsPerValue).Mse < m.Mse, "turbo4:b256 beats affine4:g32 on Whisper-like data");

        string readme = File.ReadAllText(FindReadme());
        Assert.Contains("QuantOptions.Affine(bits: 4, groupSize: 32), rowLength: 1280", readme, StringComparison.Ordinal);
        Assert.Contains("QuantizedTensor.Quantize(features, [1500, 1280], QuantOptions.Turbo(bits: 4))", readme, StringComparison.Ordinal);
    }

    private static string FindReadme()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "src", "Nko.TurboQuant", "README.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("src/Nko.TurboQuant/README.md not found above the test output.");
    }
}
