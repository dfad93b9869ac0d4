namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations: accurate to rounding for the
/// few-dozen-row blocks of one patient, which is all <see cref="JointClusterRobust"/> asks of it.
/// </summary>
internal static class JointSymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <param name="matrix">n x n, row-major; not changed.</param>
    /// <param name="values">The n eigenvalues (unordered).</param>
    /// <param name="vectors">n x n, row-major: column k is the eigenvector of values[k].</param>
    public static void Decompose(ReadOnlySpan<double> matrix, int n, Span<double> values, Span<double> vectors)
    {
        var a = matrix.ToArray();
        vectors.Clear();
        var scale = 0.0;
        for (var i = 0; i < n; i++)
        {
            vectors[(i * n) + i] = 1;
            for (var j = 0; j < n; j++)
            {
                scale += a[(i * n) + j] * a[(i * n) + j];
            }
        }

        for (var sweep = 0; sweep < MaxSweeps; sweep++)
        {
            var off = 0.0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    off += a[(i * n) + j] * a[(i * n) + j];
                }
            }

            if (off <= 1e-30 * scale)
            {
                break;
            }

            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    var apq = a[(p * n) + q];
                    if (apq == 0)
                    {
                        continue;
                    }

                    // The rotation that zeroes a_pq (Numerical Recipes' jacobi: t = tan of the angle, the smaller root).
                    var theta = (a[(q * n) + q] - a[(p * n) + p]) / (2 * apq);
                    var t = (theta >= 0 ? 1 : -1) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    var c = 1 / Math.Sqrt((t * t) + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var (akp, akq) = (a[(k * n) + p], a[(k * n) + q]);
                        a[(k * n) + p] = (c * akp) - (s * akq);
                        a[(k * n) + q] = (s * akp) + (c * akq);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var (apk, aqk) = (a[(p * n) + k], a[(q * n) + k]);
                        a[(p * n) + k] = (c * apk) - (s * aqk);
                        a[(q * n) + k] = (s * apk) + (c * aqk);
                    }

                    for (var k = 0; k < n; k++)
                    {
                        var (vkp, vkq) = (vectors[(k * n) + p], vectors[(k * n) + q]);
                        vectors[(k * n) + p] = (c * vkp) - (s * vkq);
                        vectors[(k * n) + q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        for (var i = 0; i < n; i++)
        {
            values[i] = a[(i * n) + i];
        }
    }
}
