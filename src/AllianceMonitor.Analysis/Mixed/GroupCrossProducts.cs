namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// The sufficient statistics of a one-factor mixed model, formed in one pass over the rows:
/// per group Z_g'Z_g, Z_g'X_g, Z_g'y_g and Z_g'1, and globally X'X, X'y, y'y. Every later
/// evaluation of the objective works from these alone.
/// </summary>
internal sealed class GroupCrossProducts
{
    public GroupCrossProducts(MixedModelSpec spec)
    {
        P = spec.FixedTerms.Count;
        Q = spec.RandomTerms.Count;
        Groups = spec.GroupLevels.Count;
        Ztz = new double[Groups * Q * Q];
        Ztx = new double[Groups * Q * P];
        Zty = new double[Groups * Q];
        Zt1 = new double[Groups * Q];
        Xtx = new double[P * P];
        Xty = new double[P];

        // With an intercept in X, shifting y by a constant only moves the intercept estimate; doing so
        // keeps y'y near the residual sum of squares, so r^2 = y'y - ... loses far fewer digits.
        InterceptIndex = FindInterceptColumn(spec);
        ResponseShift = InterceptIndex >= 0 ? Mean(spec.Response) : 0;
        Yty = Accumulate(spec);
    }

    public int P { get; }

    public int Q { get; }

    public int Groups { get; }

    /// <summary>Per group, q x q row-major.</summary>
    public double[] Ztz { get; }

    /// <summary>Per group, q x p row-major.</summary>
    public double[] Ztx { get; }

    /// <summary>Per group, q; computed from the shifted response.</summary>
    public double[] Zty { get; }

    /// <summary>Per group, q: column sums of Z_g (Z_g'Z_g's first row when the first term is an intercept).</summary>
    public double[] Zt1 { get; }

    public double[] Xtx { get; }

    public double[] Xty { get; }

    public double Yty { get; }

    /// <summary>Index of the all-ones fixed column, or -1.</summary>
    public int InterceptIndex { get; }

    /// <summary>Constant subtracted from y before forming the products.</summary>
    public double ResponseShift { get; }

    private static int FindInterceptColumn(MixedModelSpec spec)
    {
        for (var c = 0; c < spec.FixedTerms.Count; c++)
        {
            var column = spec.FixedColumn(c);
            var allOnes = true;
            foreach (var v in column)
            {
                allOnes &= v == 1.0;
            }

            if (allOnes)
            {
                return c;
            }
        }

        return -1;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v;
        }

        return values.Length == 0 ? 0 : sum / values.Length;
    }

    private double Accumulate(MixedModelSpec spec)
    {
        const int BlockRows = 1024;
        int p = P, q = Q;
        var y = spec.Response;
        var groupIndex = spec.GroupIndex;
        var x = new double[p][];
        var z = new double[q][];
        for (var c = 0; c < p; c++)
        {
            x[c] = spec.FixedArray(c);
        }

        for (var c = 0; c < q; c++)
        {
            z[c] = spec.RandomArray(c);
        }

        // Global sums are accumulated per block of rows and then added up, which keeps the
        // rounding error of a million-term sum close to that of a thousand-term one.
        Span<double> xi = stackalloc double[p];
        Span<double> zi = stackalloc double[q];
        var xtxBlock = new double[p * p];
        var xtyBlock = new double[p];
        double yty = 0, ytyBlock = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var g = groupIndex[i];
            var yi = y[i] - ResponseShift;
            for (var c = 0; c < p; c++)
            {
                xi[c] = x[c][i];
            }

            for (var c = 0; c < q; c++)
            {
                zi[c] = z[c][i];
            }

            ytyBlock += yi * yi;
            for (var r = 0; r < p; r++)
            {
                xtyBlock[r] += xi[r] * yi;
                for (var c = 0; c < p; c++)
                {
                    xtxBlock[(r * p) + c] += xi[r] * xi[c];
                }
            }

            for (var r = 0; r < q; r++)
            {
                Zt1[(g * q) + r] += zi[r];
            }

            var ztzOffset = g * q * q;
            var ztxOffset = g * q * p;
            for (var r = 0; r < q; r++)
            {
                Zty[(g * q) + r] += zi[r] * yi;
                for (var c = 0; c < q; c++)
                {
                    Ztz[ztzOffset + (r * q) + c] += zi[r] * zi[c];
                }

                for (var c = 0; c < p; c++)
                {
                    Ztx[ztxOffset + (r * p) + c] += zi[r] * xi[c];
                }
            }

            if ((i + 1) % BlockRows == 0 || i == y.Length - 1)
            {
                yty += ytyBlock;
                ytyBlock = 0;
                for (var k = 0; k < p * p; k++)
                {
                    Xtx[k] += xtxBlock[k];
                    xtxBlock[k] = 0;
                }

                for (var k = 0; k < p; k++)
                {
                    Xty[k] += xtyBlock[k];
                    xtyBlock[k] = 0;
                }
            }
        }

        return yty;
    }

    /// <summary>
    /// For group g: block = chol(T' Z'Z T + I), cx = block^-1 T' Z'X, cy = block^-1 T' Z'y.
    /// </summary>
    public void FactorBlock(
        int g, ReadOnlySpan<double> factor, Span<double> work, Span<double> block, Span<double> cx, Span<double> cy)
    {
        int p = P, q = Q;
        var ztz = Ztz.AsSpan(g * q * q, q * q);
        var ztx = Ztx.AsSpan(g * q * p, q * p);
        var zty = Zty.AsSpan(g * q, q);

        // work = Z'Z T
        for (var r = 0; r < q; r++)
        {
            for (var c = 0; c < q; c++)
            {
                var s = 0.0;
                for (var k = c; k < q; k++)
                {
                    s += ztz[(r * q) + k] * factor[(k * q) + c];
                }

                work[(r * q) + c] = s;
            }
        }

        // block = T' work + I, then T' Z'X and T' Z'y
        for (var r = 0; r < q; r++)
        {
            for (var c = 0; c < q; c++)
            {
                var s = r == c ? 1.0 : 0.0;
                for (var k = r; k < q; k++)
                {
                    s += factor[(k * q) + r] * work[(k * q) + c];
                }

                block[(r * q) + c] = s;
            }

            var sy = 0.0;
            for (var k = r; k < q; k++)
            {
                sy += factor[(k * q) + r] * zty[k];
            }

            cy[r] = sy;
            for (var c = 0; c < p; c++)
            {
                var sx = 0.0;
                for (var k = r; k < q; k++)
                {
                    sx += factor[(k * q) + r] * ztx[(k * p) + c];
                }

                cx[(r * p) + c] = sx;
            }
        }

        if (!SmallDense.CholeskyInPlace(block, q))
        {
            throw new InvalidOperationException("T' Z'Z T + I must be positive definite.");
        }

        SmallDense.ForwardSolveInPlace(block, q, cy, 1);
        SmallDense.ForwardSolveInPlace(block, q, cx, p);
    }

    /// <summary>
    /// After <see cref="FactorBlock"/> for a group: its conditional mode b = T L^-T (cy - cx beta - offset),
    /// written to <paramref name="mode"/>. <paramref name="offset"/> is the coupling to an outer level
    /// (nested models), or empty.
    /// </summary>
    public void ConditionalMode(
        ReadOnlySpan<double> factor,
        ReadOnlySpan<double> block,
        ReadOnlySpan<double> cx,
        Span<double> cy,
        ReadOnlySpan<double> beta,
        ReadOnlySpan<double> offset,
        Span<double> mode)
    {
        int p = P, q = Q;
        for (var a = 0; a < q; a++)
        {
            if (!offset.IsEmpty)
            {
                cy[a] -= offset[a];
            }

            for (var c = 0; c < p; c++)
            {
                cy[a] -= cx[(a * p) + c] * beta[c];
            }
        }

        SmallDense.BackSolveTransposedInPlace(block, q, cy);
        for (var a = 0; a < q; a++)
        {
            var b = 0.0;
            for (var j = 0; j < q; j++)
            {
                b += factor[(a * q) + j] * cy[j];
            }

            mode[a] = b;
        }
    }
}
