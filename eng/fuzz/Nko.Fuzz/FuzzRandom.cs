namespace Nko.Fuzz;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by this file alone, so a seed printed today replays the same
/// input on any runtime version (System.Random's algorithm is an implementation detail).
/// </summary>
public sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>The generator for one iteration of one target: independent of every other iteration, so any can be replayed alone.</summary>
    public static FuzzRandom ForIteration(ulong seed, string target, long iteration)
    {
        ulong h = 14695981039346656037UL; // FNV-1a of the name: stable, unlike string.GetHashCode
        foreach (char c in target)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        var mix = new FuzzRandom(seed ^ h);
        ulong a = mix.NextUInt64();
        return new FuzzRandom(a ^ ((ulong)iteration * 0x9E3779B97F4A7C15UL));
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int Next(int bound) => bound <= 1 ? 0 : (int)(NextUInt64() % (ulong)bound);

    /// <summary>Uniform in [min, max] (inclusive).</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(params ReadOnlySpan<T> items) => items[Next(items.Length)];

    /// <summary>Standard normal (Box–Muller).</summary>
    public double Gaussian()
    {
        double u = 1.0 - NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * NextDouble());
    }

    public void Fill(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)NextUInt64();
        }
    }
}
