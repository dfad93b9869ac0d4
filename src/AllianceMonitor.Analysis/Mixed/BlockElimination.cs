using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// One step of the block Cholesky factorization of the random-effects system
/// <c>Lambda' Z'Z Lambda + I</c> with nested grouping factors: eliminate one group of one term.
/// Because every group lies in exactly one group of each outer term, eliminating it changes only
/// those outer groups' blocks (no fill-in beyond them), so the whole factorization is one pass
/// over the terms, innermost first, linear in the number of groups. With a single term the
/// coupling part is empty and this is the block-diagonal case.
/// For term l, group g, with T its relative factor and d the downdates left by inner groups:
/// <c>L = chol(T' Z'Z T + I - d_A)</c>, <c>cx = L^-1 (T' Z'X - d_X)</c>, <c>cy = L^-1 (T' Z'y - d_y)</c>, and per outer
/// term m <c>w_m = L^-1 (T' Z'Z_m T_m - d_m)</c>. The outer groups then receive <c>w'w</c>, <c>w'cx</c>, <c>w'cy</c>.
/// </summary>
internal static class BlockElimination
{
    public static void Eliminate(
        CrossProducts products, double[][] factors, int l, int g, Downdates? received, Downdates? sent, BlockWorkspace ws, GroupSums sums)
    {
        Factor(products, factors, l, g, received, ws);
        Accumulate(products.Terms[l], products.P, ws, sums);
        if (products.Terms[l].Ancestors.Length > 0)
        {
            Pass(products.Terms[l], products.P, g, ws, sent!);
        }
    }

    /// <summary>Fills <paramref name="ws"/> with L, cx, cy and the w of each outer term for group g of term l.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Factor(CrossProducts products, double[][] factors, int l, int g, Downdates? received, BlockWorkspace ws)
    {
        var term = products.Terms[l];
        int p = products.P, q = term.Q;
        var factor = factors[l];
        var ztz = term.Ztz.AsSpan(g * q * q, q * q);
        var ztx = term.Ztx.AsSpan(g * q * p, q * p);
        var zty = term.Zty.AsSpan(g * q, q);
        var work = ws.Work;
        var block = ws.Block;
        var cx = ws.Cx;
        var cy = ws.Cy;
        TimesFactor(ztz, q, factor, q, work);
        for (var r = 0; r < q; r++)
        {
            for (var c = 0; c < q; c++)
            {
                block[(r * q) + c] = (r == c ? 1.0 : 0.0) + TransposedFactorTimes(factor, q, r, work, c, q);
            }

            cy[r] = TransposedFactorTimes(factor, q, r, zty, 0, 1);
            for (var c = 0; c < p; c++)
            {
                cx[(r * p) + c] = TransposedFactorTimes(factor, q, r, ztx, c, p);
            }
        }

        for (var k = 0; k < term.Ancestors.Length; k++)
        {
            var ancestor = term.Ancestors[k];
            var qm = ancestor.Q;
            TimesFactor(ancestor.Ztz.AsSpan(g * q * qm, q * qm), q, factors[ancestor.Term], qm, work);
            var w = ws.W[k];
            for (var r = 0; r < q; r++)
            {
                for (var c = 0; c < qm; c++)
                {
                    w[(r * qm) + c] = TransposedFactorTimes(factor, q, r, work, c, qm);
                }
            }
        }

        if (received is not null && l > 0)
        {
            received.Subtract(l, g, block, cx, cy, ws.W);
        }

        if (!SmallDense.CholeskyInPlace(block, q))
        {
            throw new InvalidOperationException("T' Z'Z T + I must be positive definite.");
        }

        SmallDense.ForwardSolveInPlace(block, q, cy, 1);
        SmallDense.ForwardSolveInPlace(block, q, cx, p);
        for (var k = 0; k < term.Ancestors.Length; k++)
        {
            SmallDense.ForwardSolveInPlace(block, q, ws.W[k], term.Ancestors[k].Q);
        }
    }

    /// <summary>result (rows x cols) = a (rows x cols) T, T lower triangular cols x cols.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TimesFactor(ReadOnlySpan<double> a, int rows, ReadOnlySpan<double> factor, int cols, Span<double> result)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                var s = 0.0;
                for (var k = c; k < cols; k++)
                {
                    s += a[(r * cols) + k] * factor[(k * cols) + c];
                }

                result[(r * cols) + c] = s;
            }
        }
    }

    /// <summary>Row r of T' times column c of b (q rows, <paramref name="stride"/> columns).</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TransposedFactorTimes(ReadOnlySpan<double> factor, int q, int r, ReadOnlySpan<double> b, int c, int stride)
    {
        var s = 0.0;
        for (var k = r; k < q; k++)
        {
            s += factor[(k * q) + r] * b[(k * stride) + c];
        }

        return s;
    }

    /// <summary>Adds cx'cx, cx'cy, cy'cy and log det(L L') of the group to the sums.</summary>
    private static void Accumulate(TermProducts term, int p, BlockWorkspace ws, GroupSums sums)
    {
        var q = term.Q;
        sums.LogDet += SmallDense.LogDeterminantOfProduct(ws.Block, q);
        for (var a = 0; a < q; a++)
        {
            var cya = ws.Cy[a];
            sums.SquaredLength += cya * cya;
            for (var r = 0; r < p; r++)
            {
                var car = ws.Cx[(a * p) + r];
                sums.Rhs[r] += car * cya;
                for (var c = 0; c <= r; c++)
                {
                    sums.Schur[(r * p) + c] += car * ws.Cx[(a * p) + c];
                }
            }
        }
    }

    /// <summary>Hands the group's w'w, w'cx, w'cy and cross terms to the outer groups that contain it.</summary>
    private static void Pass(TermProducts term, int p, int g, BlockWorkspace ws, Downdates sent)
    {
        var q = term.Q;
        for (var k = 0; k < term.Ancestors.Length; k++)
        {
            var ancestor = term.Ancestors[k];
            int m = ancestor.Term, qm = ancestor.Q, outer = ancestor.Group[g];
            var w = ws.W[k];
            var a = sent.A[m].AsSpan(outer * qm * qm, qm * qm);
            var x = sent.X[m].AsSpan(outer * qm * p, qm * p);
            var y = sent.Y[m].AsSpan(outer * qm, qm);
            for (var i = 0; i < q; i++)
            {
                for (var r = 0; r < qm; r++)
                {
                    var wr = w[(i * qm) + r];
                    y[r] += wr * ws.Cy[i];
                    for (var c = 0; c <= r; c++)
                    {
                        a[(r * qm) + c] += wr * w[(i * qm) + c];
                    }

                    for (var c = 0; c < p; c++)
                    {
                        x[(r * p) + c] += wr * ws.Cx[(i * p) + c];
                    }

                    for (var k2 = k + 1; k2 < term.Ancestors.Length; k2++)
                    {
                        var q2 = term.Ancestors[k2].Q;
                        var cross = sent.C[m][k2 - k - 1].AsSpan(outer * qm * q2, qm * q2);
                        var w2 = ws.W[k2];
                        for (var c = 0; c < q2; c++)
                        {
                            cross[(r * q2) + c] += wr * w2[(i * q2) + c];
                        }
                    }
                }
            }
        }
    }
}

/// <summary>What inner groups have taken from each outer group's blocks (terms 1 and up; term 0 receives nothing).</summary>
internal sealed class Downdates
{
    public Downdates(CrossProducts products)
    {
        var terms = products.Terms;
        A = terms.Select((t, m) => m == 0 ? [] : new double[t.Groups * t.Q * t.Q]).ToArray();
        X = terms.Select((t, m) => m == 0 ? [] : new double[t.Groups * t.Q * products.P]).ToArray();
        Y = terms.Select((t, m) => m == 0 ? [] : new double[t.Groups * t.Q]).ToArray();
        C = terms.Select((t, m) => m == 0 ? [] : t.Ancestors.Select(a => new double[t.Groups * t.Q * a.Q]).ToArray()).ToArray();
    }

    /// <summary>Per term, per group: q x q (lower triangle used).</summary>
    public double[][] A { get; }

    /// <summary>Per term, per group: q x p.</summary>
    public double[][] X { get; }

    /// <summary>Per term, per group: q.</summary>
    public double[][] Y { get; }

    /// <summary>Per term, per outer term, per group: q x outer q.</summary>
    public double[][][] C { get; }

    public void Add(Downdates other)
    {
        static void AddTo(double[] target, double[] source)
        {
            for (var i = 0; i < target.Length; i++)
            {
                target[i] += source[i];
            }
        }

        for (var m = 1; m < A.Length; m++)
        {
            AddTo(A[m], other.A[m]);
            AddTo(X[m], other.X[m]);
            AddTo(Y[m], other.Y[m]);
            for (var k = 0; k < C[m].Length; k++)
            {
                AddTo(C[m][k], other.C[m][k]);
            }
        }
    }

    public void Subtract(int l, int g, Span<double> block, Span<double> cx, Span<double> cy, double[][] w)
    {
        static void SubtractFrom(Span<double> target, ReadOnlySpan<double> source)
        {
            for (var i = 0; i < target.Length; i++)
            {
                target[i] -= source[i];
            }
        }

        SubtractFrom(block, A[l].AsSpan(g * block.Length, block.Length));
        SubtractFrom(cx, X[l].AsSpan(g * cx.Length, cx.Length));
        SubtractFrom(cy, Y[l].AsSpan(g * cy.Length, cy.Length));
        for (var k = 0; k < C[l].Length; k++)
        {
            SubtractFrom(w[k], C[l][k].AsSpan(g * w[k].Length, w[k].Length));
        }
    }
}

/// <summary>Scratch space for <see cref="BlockElimination"/> sized for one term.</summary>
internal sealed class BlockWorkspace(TermProducts term, int p)
{
    private static int Widest(TermProducts term) => term.Ancestors.Select(a => a.Q).Append(term.Q).Max();

    public double[] Work { get; } = new double[term.Q * Widest(term)];

    public double[] Block { get; } = new double[term.Q * term.Q];

    public double[] Cx { get; } = new double[term.Q * p];

    public double[] Cy { get; } = new double[term.Q];

    /// <summary>Per outer term: q x outer q.</summary>
    public double[][] W { get; } = term.Ancestors.Select(a => new double[term.Q * a.Q]).ToArray();
}

/// <summary>Sums over eliminated groups of cx'cx (lower triangle), cx'cy, cy'cy and log det of the blocks.</summary>
internal sealed class GroupSums(int p)
{
    public double[] Schur { get; } = new double[p * p];

    public double[] Rhs { get; } = new double[p];

    public double SquaredLength { get; set; }

    public double LogDet { get; set; }
}
