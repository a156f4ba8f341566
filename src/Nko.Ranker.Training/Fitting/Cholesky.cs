namespace Nko.Ranker.Training.Fitting;

/// <summary>Solves symmetric positive-definite systems in place by Cholesky factorisation.</summary>
internal static class Cholesky
{
    /// <summary>Solves A x = b for x (written into <paramref name="b"/>); A (n×n, row-major) is overwritten by its factor.</summary>
    public static void Solve(double[] a, double[] b, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double s = a[(j * n) + j];
            for (int k = 0; k < j; k++)
            {
                s -= a[(j * n) + k] * a[(j * n) + k];
            }

            if (!(s > 0))
            {
                // Numerically singular: regularise the pivot minimally rather than fail.
                s = 1e-12;
            }

            double l = Math.Sqrt(s);
            a[(j * n) + j] = l;
            for (int i = j + 1; i < n; i++)
            {
                double t = a[(i * n) + j];
                for (int k = 0; k < j; k++)
                {
                    t -= a[(i * n) + k] * a[(j * n) + k];
                }

                a[(i * n) + j] = t / l;
            }
        }

        for (int i = 0; i < n; i++)
        {
            double t = b[i];
            for (int k = 0; k < i; k++)
            {
                t -= a[(i * n) + k] * b[k];
            }

            b[i] = t / a[(i * n) + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double t = b[i];
            for (int k = i + 1; k < n; k++)
            {
                t -= a[(k * n) + i] * b[k];
            }

            b[i] = t / a[(i * n) + i];
        }
    }
}
