using BenchmarkDotNet.Attributes;
using Nko.TurboQuant;
using Nko.TurboQuant.Kernels;

namespace Nko.Benchmarks.TurboQuant;

/// <summary>
/// Dequantize [1500, 1280] fp16 encoder features (affine, G = 32), float32 or fp16 out, single thread. The scalar reference is the baseline;
/// each vector width is measured separately (a width the machine lacks falls back to the next narrower one).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AffineDequantize
{
    private readonly Dictionary<KernelPath, Quantizer> _quantizers = [];
    private byte[] _encoded = [];
    private Half[] _half = [];
    private float[] _single = [];

    /// <summary>The destination type: float32 (what an ONNX CTC head takes) or fp16.</summary>
    [Params("Single", "Half")]
    public string Output { get; set; } = "Single";

    [Params(8, 4)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512 })
        {
            _quantizers[path] = QuantBench.Create(QuantOptions.Affine(Bits, 32), path);
        }

        _encoded = new byte[_quantizers[KernelPath.Scalar].GetEncodedLength(QuantBench.Frames)];
        _quantizers[KernelPath.Scalar].Quantize(QuantBench.Features, _encoded);
        _half = new Half[QuantBench.Features.Length];
        _single = new float[QuantBench.Features.Length];
    }

    [Benchmark(Baseline = true)]
    public void ScalarReference() =>
        Run(_quantizers[KernelPath.Scalar]);

    [Benchmark]
    public void Vector128() =>
        Run(_quantizers[KernelPath.Vector128]);

    [Benchmark]
    public void Vector256() =>
        Run(_quantizers[KernelPath.Vector256]);

    [Benchmark]
    public void Vector512() =>
        Run(_quantizers[KernelPath.Vector512]);

    private void Run(Quantizer quantizer)
    {
        if (Output == "Half")
        {
            quantizer.Dequantize(_encoded, _half);
        }
        else
        {
            quantizer.Dequantize(_encoded, _single);
        }
    }
}
