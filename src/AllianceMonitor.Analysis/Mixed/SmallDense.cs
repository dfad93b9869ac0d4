using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// Dense kernels for the tiny (q x q, p x p) matrices of one-factor mixed models, row-major in spans.
/// Hand-written because a library call per patient would cost more than the arithmetic.
/// </summary>
internal static class SmallDense
{
    /// <summary>In-place lower Cholesky factor of a symmetric positive-definite matrix; false if not PD.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool CholeskyInPlace(Span<double> a, int n)
    {
        for (var j = 0; j < n; j++)
        {
            var d = a[(j * n) + j];
            for (var k = 0; k < j; k++)
            {
                d -= a[(j * n) + k] * a[(j * n) + k];
            }

            if (!(d > 0))
            {
                return false;
            }

            d = Math.Sqrt(d);
            a[(j * n) + j] = d;
            for (var i = j + 1; i < n; i++)
            {
                var s = a[(i * n) + j];
                for (var k = 0; k < j; k++)
                {
                    s -= a[(i * n) + k] * a[(j * n) + k];
                }

                a[(i * n) + j] = s / d;
            }

            for (var i = 0; i < j; i++)
            {
                a[(i * n) + j] = 0;
            }
        }

        return true;
    }

    /// <summary>Solves <c>L x = b</c> in place for each of <paramref name="columns"/> right-hand sides stored as columns of b (n x columns).</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSolveInPlace(ReadOnlySpan<double> lower, int n, Span<double> b, int columns)
    {
        for (var c = 0; c < columns; c++)
        {
            for (var i = 0; i < n; i++)
            {
                var s = b[(i * columns) + c];
                for (var k = 0; k < i; k++)
                {
                    s -= lower[(i * n) + k] * b[(k * columns) + c];
                }

                b[(i * columns) + c] = s / lower[(i * n) + i];
            }
        }
    }

    /// <summary>Solves <c>L' x = b</c> in place (one right-hand side).</summary>
    public static void BackSolveTransposedInPlace(ReadOnlySpan<double> lower, int n, Span<double> b)
    {
        for (var i = n - 1; i >= 0; i--)
        {
            var s = b[i];
            for (var k = i + 1; k < n; k++)
            {
                s -= lower[(k * n) + i] * b[k];
            }

            b[i] = s / lower[(i * n) + i];
        }
    }

    /// <summary>Sum of log squared diagonal, i.e. log det(L L').</summary>
    public static double LogDeterminantOfProduct(ReadOnlySpan<double> lower, int n)
    {
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += Math.Log(lower[(i * n) + i]);
        }

        return 2 * sum;
    }

    /// <summary>Inverse of <c>L L'</c> from its Cholesky factor.</summary>
    public static double[] InverseFromCholesky(ReadOnlySpan<double> lower, int n)
    {
        var inverse = new double[n * n];
        Span<double> column = stackalloc double[n];
        for (var c = 0; c < n; c++)
        {
            column.Clear();
            column[c] = 1;
            ForwardSolveInPlace(lower, n, column, 1);
            BackSolveTransposedInPlace(lower, n, column);
            for (var r = 0; r < n; r++)
            {
                inverse[(r * n) + c] = column[r];
            }
        }

        return inverse;
    }

    /// <summary>Lower-triangular q x q factor from lme4's theta (column-wise lower triangle).</summary>
    public static void RelativeFactorFromTheta(ReadOnlySpan<double> theta, int q, Span<double> factor)
    {
        factor.Clear();
        var k = 0;
        for (var j = 0; j < q; j++)
        {
            for (var i = j; i < q; i++)
            {
                factor[(i * q) + j] = theta[k++];
            }
        }
    }
}
