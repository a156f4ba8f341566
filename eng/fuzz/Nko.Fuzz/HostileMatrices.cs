using Nko.Ctc;

namespace Nko.Fuzz;

/// <summary>Row-major [T, C] log-prob data of every shape a caller could hand over, each tagged with its kind.</summary>
public static class HostileMatrices
{
    /// <summary>A matrix and what made it; <see cref="HasInvalid"/> when it holds NaN or +∞ (which must be rejected).</summary>
    public sealed record Matrix(float[] Data, int Frames, int Classes, string Kind, bool HasInvalid)
    {
        public LogProbMatrix View => new(Data, Frames, Classes);
    }

    /// <summary>
    /// Draws a matrix: normalised (several temperatures), recogniser-like (one peaked path), unnormalised, with −∞
    /// cells or rows, with huge negative or huge positive values, and now and then NaN or +∞.
    /// </summary>
    /// <param name="withinDomain">
    /// Only matrices inside the domain CtcScorer documents for exact results (values of a row within a few hundred
    /// nats of each other, besides −∞ and values so low that paths through them never matter): no temperature-100
    /// rows, stretched or extreme values, or rows spanning 1000 nats.
    /// </param>
    public static Matrix Create(FuzzRandom rng, int frames, int classes, int blank, bool withinDomain = false)
    {
        float[] data = new float[frames * classes];
        string kind;
        switch (withinDomain ? rng.Pick(0, 1, 2, 3, 4) : rng.Next(7))
        {
            case 0:
                double scale = withinDomain ? rng.Pick(0.1, 1.0, 5.0, 20.0) : rng.Pick(0.1, 1.0, 5.0, 20.0, 100.0);
                Logits(rng, data, scale);
                Normalise(data, classes);
                kind = $"normalised(scale {scale})";
                break;
            case 1:
                Peaked(rng, data, frames, classes, blank);
                kind = "peaked";
                break;
            case 2:
                float low = withinDomain ? rng.Pick(1f, 10f, 100f) : rng.Pick(1f, 10f, 100f, 1000f), high = rng.Pick(0f, 5f, 50f);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)((rng.NextDouble() * (low + high)) - low);
                }

                kind = $"unnormalised[-{low}, {high}]";
                break;
            case 3:
                Logits(rng, data, 3.0);
                Normalise(data, classes);
                double p = rng.Pick(0.05, 0.3, 0.7);
                for (int i = 0; i < data.Length; i++)
                {
                    if (rng.Chance(p))
                    {
                        data[i] = float.NegativeInfinity;
                    }
                }

                if (rng.Chance(0.3))
                {
                    data.AsSpan(rng.Next(frames) * classes, classes).Fill(float.NegativeInfinity); // a frame that emits nothing
                }

                if (rng.Chance(0.2))
                {
                    for (int t = 0; t < frames; t++)
                    {
                        data[(t * classes) + blank] = float.NegativeInfinity; // no blank anywhere
                    }
                }

                kind = $"-inf(p {p})";
                break;
            case 4:
                Logits(rng, data, 2.0);
                Normalise(data, classes);
                double q = rng.Pick(0.02, 0.2, 0.6);
                for (int i = 0; i < data.Length; i++)
                {
                    if (rng.Chance(q))
                    {
                        data[i] = rng.Pick(-1e4f, -1e10f, -1e30f, -3.4e38f, float.MinValue);
                    }
                }

                kind = $"huge-negative(p {q})";
                break;
            case 5:
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = rng.Pick(0f, -0f, 1e-40f, -1e-40f, float.Epsilon, 1e3f, 1e30f, float.MaxValue, -1e30f, (float)rng.Gaussian());
                }

                kind = "extreme-values";
                break;
            default:
                Logits(rng, data, 1.0);
                Normalise(data, classes);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(data[i] * rng.Pick(1.0, 1.0, 100.0, 700.0)); // log-probs far below the ~700-nat floor
                }

                kind = "stretched";
                break;
        }

        bool invalid = rng.Chance(0.03);
        if (invalid)
        {
            data[rng.Next(data.Length)] = rng.Pick(float.NaN, float.PositiveInfinity);
            kind += "+invalid";
        }

        return new Matrix(data, frames, classes, kind, invalid);
    }

    private static void Logits(FuzzRandom rng, Span<float> data, double scale)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(rng.Gaussian() * scale);
        }
    }

    private static void Normalise(float[] data, int classes) => LogProbMatrix.LogSoftmax(data, data, classes);

    // A recogniser-like matrix: a random label path with blanks, each frame peaked on its class.
    private static void Peaked(FuzzRandom rng, float[] data, int frames, int classes, int blank)
    {
        Logits(rng, data, 1.0);
        double peak = rng.Pick(4.0, 8.0, 16.0, 30.0);
        int current = blank;
        for (int t = 0; t < frames; t++)
        {
            if (rng.Chance(0.4))
            {
                current = rng.Chance(0.5) ? blank : rng.Next(classes);
            }

            data[(t * classes) + current] += (float)peak;
        }

        Normalise(data, classes);
    }

    /// <summary>A random label sequence (non-blank ids) of <paramref name="length"/>, with runs of repeats now and then.</summary>
    public static int[] Labels(FuzzRandom rng, int length, int classes, int blank)
    {
        int[] labels = new int[length];
        double repeat = rng.Pick(0.0, 0.1, 0.5, 0.9);
        for (int i = 0; i < length; i++)
        {
            labels[i] = i > 0 && rng.Chance(repeat) ? labels[i - 1] : Label(rng, classes, blank);
        }

        return labels;
    }

    /// <summary>A random non-blank class id.</summary>
    public static int Label(FuzzRandom rng, int classes, int blank)
    {
        int id = rng.Next(classes - 1);
        return id >= blank ? id + 1 : id;
    }
}
