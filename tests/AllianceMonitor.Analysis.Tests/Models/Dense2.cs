namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>Textbook dense matrix helpers, for small test matrices only.</summary>
internal static class Dense2
{
    public static double[,] Product(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = a.GetLength(1), l = b.GetLength(1);
        var c = new double[n, l];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < m; k++)
            {
                for (var j = 0; j < l; j++)
                {
                    c[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return c;
    }

    public static double[,] Transpose(double[,] a)
    {
        var t = new double[a.GetLength(1), a.GetLength(0)];
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                t[j, i] = a[i, j];
            }
        }

        return t;
    }

    public static double[,] Subtract(double[,] a, double[,] b)
    {
        var c = (double[,])a.Clone();
        for (var i = 0; i < a.GetLength(0); i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                c[i, j] -= b[i, j];
            }
        }

        return c;
    }

    public static double[,] Identity(int n)
    {
        var c = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            c[i, i] = 1;
        }

        return c;
    }

    public static double[,] Rows(double[,] a, int[] rows)
    {
        var c = new double[rows.Length, a.GetLength(1)];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < a.GetLength(1); j++)
            {
                c[i, j] = a[rows[i], j];
            }
        }

        return c;
    }

    public static double[,] Block(double[,] a, int[] rows)
    {
        var c = new double[rows.Length, rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows.Length; j++)
            {
                c[i, j] = a[rows[i], rows[j]];
            }
        }

        return c;
    }

    public static double[,] Cholesky(double[,] a)
    {
        var n = a.GetLength(0);
        var l = new double[n, n];
        for (var j = 0; j < n; j++)
        {
            var d = a[j, j];
            for (var k = 0; k < j; k++)
            {
                d -= l[j, k] * l[j, k];
            }

            l[j, j] = Math.Sqrt(d);
            for (var i = j + 1; i < n; i++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                l[i, j] = s / l[j, j];
            }
        }

        return l;
    }

    /// <summary>Gauss-Jordan with partial pivoting.</summary>
    public static double[,] Inverse(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inv = Identity(n);
        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (var k = 0; k < n; k++)
            {
                (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
                (inv[c, k], inv[pivot, k]) = (inv[pivot, k], inv[c, k]);
            }

            var d = a[c, c];
            for (var k = 0; k < n; k++)
            {
                a[c, k] /= d;
                inv[c, k] /= d;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != c)
                {
                    var f = a[r, c];
                    for (var k = 0; k < n; k++)
                    {
                        a[r, k] -= f * a[c, k];
                        inv[r, k] -= f * inv[c, k];
                    }
                }
            }
        }

        return inv;
    }

    /// <summary>
    /// B^-1/2 by the coupled Newton-Schulz iteration (Higham 2008, eq. 6.35): Y -> B^1/2, Z -> B^-1/2 for a
    /// symmetric B with eigenvalues in (0, 1], as I - H_ii has.
    /// </summary>
    public static double[,] InverseSqrt(double[,] b)
    {
        var n = b.GetLength(0);
        var y = (double[,])b.Clone();
        var z = Identity(n);
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var zy = Product(z, y);
            var step = Subtract(Identity(n), zy);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    step[i, j] = (0.5 * step[i, j]) + (i == j ? 1 : 0);
                }
            }

            (y, z) = (Product(y, step), Product(step, z));
        }

        return z;
    }
}
