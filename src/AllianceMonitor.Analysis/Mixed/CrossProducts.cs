using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// The sufficient statistics of a mixed model, formed in one pass over the rows: globally X'X, X'y
/// and y'y, and per random-effect term and group (see <see cref="TermProducts"/>) the products of
/// its Z with itself, X, y and the Z of every outer term. Every later evaluation of the objective
/// works from these alone, so its cost does not depend on the number of observations.
/// </summary>
internal sealed class CrossProducts
{
    public CrossProducts(MixedModelSpec spec)
    {
        P = spec.FixedTerms.Count;
        Xtx = new double[P * P];
        Xty = new double[P];
        var terms = spec.RandomEffects;
        Terms = terms.Select((t, l) => new TermProducts(
            t.Q, t.Levels.Count, P, terms.Skip(l + 1).Select((outer, k) => new AncestorProducts(l + 1 + k, outer.Q, t.Levels.Count, t.Q)).ToArray()))
            .ToArray();

        // With an intercept in X, shifting y by a constant only moves the intercept estimate; doing so
        // keeps y'y near the residual sum of squares, so r^2 = y'y - ... loses far fewer digits.
        InterceptIndex = FindInterceptColumn(spec);
        ResponseShift = InterceptIndex >= 0 ? Mean(spec.Response) : 0;
        Yty = Accumulate(spec);
    }

    /// <summary>
    /// The products of a model whose rows are those of <paramref name="first"/>'s model and of
    /// <paramref name="second"/>'s model (same terms, groups and columns; each row's values zero in the other),
    /// the latter's rows multiplied by sqrt(<paramref name="weight"/>): every product is made within one row, so
    /// each is <paramref name="first"/>'s plus <paramref name="weight"/> times <paramref name="second"/>'s.
    /// Needs unshifted responses, since the shift is not linear in the rows, and one non-nested term.
    /// </summary>
    internal static CrossProducts Combine(CrossProducts first, CrossProducts second, double weight)
    {
        if (first.ResponseShift != 0 || second.ResponseShift != 0 || first.P != second.P || first.Terms.Length != second.Terms.Length)
        {
            throw new ArgumentException("Only products of the same model's terms with unshifted responses combine.");
        }

        return new CrossProducts(first, second, weight);
    }

    /// <summary>Room shaped like <paramref name="first"/>'s products, filled by <see cref="Recombine"/>.</summary>
    private CrossProducts(CrossProducts first, CrossProducts second, double weight)
    {
        P = first.P;
        InterceptIndex = -1;
        ResponseShift = 0;
        Xtx = new double[first.Xtx.Length];
        Xty = new double[first.Xty.Length];
        Terms = first.Terms.Select(t => new TermProducts(t.Q, t.Groups, P, [])).ToArray();
        Recombine(first, second, weight);
    }

    /// <summary>
    /// Overwrites these products (made by <see cref="Combine"/> from the same two) with <paramref name="first"/>'s plus
    /// <paramref name="weight"/> times <paramref name="second"/>'s, the sums <see cref="Combine"/> fills them with: an optimizer
    /// that moves the weight at every step would otherwise allocate megabytes per evaluation on the large object heap,
    /// and the full collections that follow cost more than the evaluation itself.
    /// </summary>
    internal void Recombine(CrossProducts first, CrossProducts second, double weight)
    {
        if (InterceptIndex >= 0 || ResponseShift != 0 || first.ResponseShift != 0 || second.ResponseShift != 0
            || first.Terms.Length != Terms.Length || second.Terms.Length != Terms.Length)
        {
            throw new ArgumentException("Only combined products recombine from the products they were made of.");
        }

        AddInto(Xtx, first.Xtx, second.Xtx, weight);
        AddInto(Xty, first.Xty, second.Xty, weight);
        Yty = first.Yty + (weight * second.Yty);
        for (var l = 0; l < Terms.Length; l++)
        {
            Terms[l].Recombine(first.Terms[l], second.Terms[l], weight);
        }
    }

    internal static void AddInto(double[] sum, double[] first, double[] second, double weight)
    {
        if (first.Length != second.Length || sum.Length != first.Length)
        {
            throw new ArgumentException("Only products of the same model's terms combine.");
        }

        // Four lanes at a time: each element is the same one multiplication and one addition as in the scalar tail.
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lanes = Vector256.Create(weight);
            for (; k <= sum.Length - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                (Vector256.Create(first.AsSpan(k)) + (lanes * Vector256.Create(second.AsSpan(k)))).CopyTo(sum.AsSpan(k));
            }
        }

        for (; k < sum.Length; k++)
        {
            sum[k] = first[k] + (weight * second[k]);
        }
    }

    public int P { get; }

    /// <summary>Per random-effect term, in the spec's order.</summary>
    public TermProducts[] Terms { get; }

    public double[] Xtx { get; }

    public double[] Xty { get; }

    public double Yty { get; private set; }

    /// <summary>Index of the all-ones fixed column, or -1.</summary>
    public int InterceptIndex { get; }

    /// <summary>Constant subtracted from y before forming the products.</summary>
    public double ResponseShift { get; }

    private static int FindInterceptColumn(MixedModelSpec spec)
    {
        for (var c = 0; c < spec.FixedTerms.Count; c++)
        {
            var allOnes = true;
            foreach (var v in spec.FixedColumn(c))
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

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Accumulate(MixedModelSpec spec)
    {
        const int BlockRows = 1024;
        var p = P;
        var y = spec.Response;
        var x = Enumerable.Range(0, p).Select(spec.FixedArray).ToArray();
        var z = spec.RandomEffects.Select(t => Enumerable.Range(0, t.Q).Select(t.ColumnArray).ToArray()).ToArray();
        var groups = spec.RandomEffects.Select(t => t.GroupIndexArray).ToArray();

        // Global sums are accumulated per block of rows and then added up, which keeps the
        // rounding error of a million-term sum close to that of a thousand-term one.
        var xi = new double[p];
        var zi = Terms.Select(t => new double[t.Q]).ToArray();
        var xtxBlock = new double[p * p];
        var xtyBlock = new double[p];
        double yty = 0, ytyBlock = 0;
        for (var i = 0; i < y.Length; i++)
        {
            var yi = y[i] - ResponseShift;
            for (var c = 0; c < p; c++)
            {
                xi[c] = x[c][i];
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

            for (var l = 0; l < Terms.Length; l++)
            {
                for (var c = 0; c < zi[l].Length; c++)
                {
                    zi[l][c] = z[l][c][i];
                }
            }

            for (var l = 0; l < Terms.Length; l++)
            {
                Terms[l].AddRow(groups[l][i], zi[l], xi, yi);
                foreach (var ancestor in Terms[l].Ancestors)
                {
                    ancestor.AddRow(groups[l][i], zi[l], groups[ancestor.Term][i], zi[ancestor.Term]);
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
}

/// <summary>Per group g of one term: Z_g'Z_g (q x q), Z_g'X_g (q x p) and Z_g'y_g (q), row-major, from the shifted response.</summary>
internal sealed class TermProducts
{
    public TermProducts(int q, int groups, int p, AncestorProducts[] ancestors)
    {
        Q = q;
        Groups = groups;
        Ztz = new double[groups * q * q];
        Ztx = new double[groups * q * p];
        Zty = new double[groups * q];
        Ancestors = ancestors;
    }

    public int Q { get; }

    public int Groups { get; }

    public double[] Ztz { get; }

    public double[] Ztx { get; }

    public double[] Zty { get; }

    /// <summary>The terms whose grouping factors contain this one's, innermost first.</summary>
    public AncestorProducts[] Ancestors { get; }

    /// <summary>
    /// In place, <paramref name="first"/>'s products plus <paramref name="weight"/> times <paramref name="second"/>'s
    /// (<see cref="CrossProducts.Combine"/>, <see cref="CrossProducts.Recombine"/>).
    /// </summary>
    internal void Recombine(TermProducts first, TermProducts second, double weight)
    {
        // Nested terms are not needed (the joint model has one) and are left out rather than left untested.
        if (Ancestors.Length != 0 || first.Ancestors.Length != 0 || second.Ancestors.Length != 0
            || first.Q != Q || second.Q != Q || first.Groups != Groups || second.Groups != Groups)
        {
            throw new ArgumentException("Only products of the same single, non-nested term combine.");
        }

        CrossProducts.AddInto(Ztz, first.Ztz, second.Ztz, weight);
        CrossProducts.AddInto(Ztx, first.Ztx, second.Ztx, weight);
        CrossProducts.AddInto(Zty, first.Zty, second.Zty, weight);
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRow(int g, ReadOnlySpan<double> z, ReadOnlySpan<double> x, double y)
    {
        int p = x.Length, q = Q, ztzOffset = g * q * q, ztxOffset = g * q * p;
        for (var r = 0; r < q; r++)
        {
            Zty[(g * q) + r] += z[r] * y;
            for (var c = 0; c < q; c++)
            {
                Ztz[ztzOffset + (r * q) + c] += z[r] * z[c];
            }

            for (var c = 0; c < p; c++)
            {
                Ztx[ztxOffset + (r * p) + c] += z[r] * x[c];
            }
        }
    }
}

/// <summary>
/// The coupling of a term to an outer term that nests it: per inner group g, the outer group that
/// contains it and Z_g' Z_outer over g's rows (q x outer q, row-major).
/// </summary>
internal sealed class AncestorProducts(int term, int q, int groups, int innerQ)
{
    /// <summary>Index of the outer term in the spec.</summary>
    public int Term { get; } = term;

    /// <summary>The outer term's q.</summary>
    public int Q { get; } = q;

    public int[] Group { get; } = new int[groups];

    public double[] Ztz { get; } = new double[groups * innerQ * q];

    public void AddRow(int g, ReadOnlySpan<double> z, int outerGroup, ReadOnlySpan<double> outerZ)
    {
        Group[g] = outerGroup;
        var offset = g * z.Length * Q;
        for (var r = 0; r < z.Length; r++)
        {
            for (var c = 0; c < Q; c++)
            {
                Ztz[offset + (r * Q) + c] += z[r] * outerZ[c];
            }
        }
    }
}
