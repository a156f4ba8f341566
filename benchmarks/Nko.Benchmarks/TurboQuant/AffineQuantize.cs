using BenchmarkDotNet.Attributes;
using Nko.TurboQuant;
using Nko.TurboQuant.Kernels;

namespace Nko.Benchmarks.TurboQuant;

/// <summary>
/// Quantize [1500, 1280] fp16 encoder features (affine, G = 32), fp16 in, single thread. The scalar reference is the baseline;
/// each vector width is measured separately (a width the machine lacks falls back to the next narrower one).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class AffineQuantize
{
    private readonly Dictionary<KernelPath, Quantizer> _quantizers = [];
    private Half[] _input = [];
    private byte[] _encoded = [];

    [Params(8, 4)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        foreach (KernelPath path in new[] { KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512 })
        {
            _quantizers[path] = QuantBench.Create(QuantOptions.Affine(Bits, 32), path);
        }

        _input = QuantBench.Features;
        _encoded = new byte[_quantizers[KernelPath.Scalar].GetEncodedLength(QuantBench.Frames)];
    }

    [Benchmark(Baseline = true)]
    public void ScalarReference() =>
        _quantizers[KernelPath.Scalar].Quantize(_input, _encoded);

    [Benchmark]
    public void Vector128() =>
        _quantizers[KernelPath.Vector128].Quantize(_input, _encoded);

    [Benchmark]
    public void Vector256() =>
        _quantizers[KernelPath.Vector256].Quantize(_input, _encoded);

    [Benchmark]
    public void Vector512() =>
        _quantizers[KernelPath.Vector512].Quantize(_input, _encoded);
}
