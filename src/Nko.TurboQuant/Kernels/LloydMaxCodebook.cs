namespace Nko.TurboQuant.Kernels;

/// <summary>
/// The fixed Lloyd–Max scalar codebooks for a standard Gaussian (the distribution of a coordinate after the
/// turbo codec's rotation and normalisation). Centroids were computed once by Lloyd iteration in double precision
/// (Simpson integration of the N(0,1) density on [−12, 12]) and are stored as the nearest float32; decision thresholds
/// are the float32 midpoints <c>(c[k] + c[k+1]) · 0.5</c>. Distortion per coordinate (unit variance): 2-bit 0.1175,
/// 3-bit 0.03455, 4-bit 0.009501.
/// </summary>
internal static class LloydMaxCodebook
{
    private static readonly float[] Positive2 = [0.45278003463648775f, 1.510417608499104f];

    private static readonly float[] Positive3 = [0.24509417894420774f, 0.756005281205837f, 1.3439092785049305f, 2.1519457045369395f];

    private static readonly float[] Positive4 =
    [
        0.12839502985117257f, 0.3880482994903656f, 0.6567591185326201f, 0.9423404564872058f,
        1.2562311973474738f, 1.6180463860222656f, 2.069017226531799f, 2.7325895709955064f,
    ];

    private static readonly float[][] Centroids = [Build(Positive2), Build(Positive3), Build(Positive4)];

    private static readonly float[][] Midpoints = [Thresholds(Centroids[0], 4), Thresholds(Centroids[1], 8), Thresholds(Centroids[2], 16)];

    /// <summary>The 2^bits centroids in ascending order, padded with zeros to 16 entries.</summary>
    public static ReadOnlySpan<float> GetCentroids(int bits) => Centroids[bits - 2];

    private static readonly float[][] SearchTables = [Search(Midpoints[0]), Search(Midpoints[1]), Search(Midpoints[2])];

    /// <summary>The 2^bits − 1 ascending decision thresholds: code = number of thresholds ≤ value.</summary>
    public static ReadOnlySpan<float> GetThresholds(int bits) => Midpoints[bits - 2];

    /// <summary>16 entries: entry c (1 ≤ c &lt; 2^bits) is the c-th threshold; the rest +∞ (for a vector binary search).</summary>
    public static ReadOnlySpan<float> GetSearchTable(int bits) => SearchTables[bits - 2];

    private static float[] Search(float[] thresholds)
    {
        float[] table = new float[16];
        Array.Fill(table, float.PositiveInfinity);
        thresholds.CopyTo(table, 1);
        return table;
    }

    private static float[] Build(float[] positive)
    {
        int half = positive.Length;
        float[] table = new float[16];
        for (int i = 0; i < half; i++)
        {
            table[half + i] = positive[i];
            table[half - 1 - i] = -positive[i];
        }

        return table;
    }

    private static float[] Thresholds(float[] table, int levels)
    {
        float[] thresholds = new float[levels - 1];
        for (int k = 0; k < thresholds.Length; k++)
        {
            thresholds[k] = (table[k] + table[k + 1]) * 0.5f;
        }

        return thresholds;
    }
}
