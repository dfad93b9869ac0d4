namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// <see cref="BlockElimination"/> of the innermost term for the commonest models, written out: the
/// same arithmetic, unrolled because this loop is the whole cost of a fit. The term has q = 2
/// (random intercept and one slope, per patient) or q = 1 (a random intercept, taken as q = 2 with a
/// zero second column, which adds exactly nothing), and at most one outer term, a scalar one (a
/// therapist intercept), whose groups receive their downdates in <c>sent</c>.
/// </summary>
internal static class UnrolledKernel
{
    public static bool Applies(TermProducts[] terms) =>
        terms[0].Q <= 2 && (terms.Length == 1 || (terms.Length == 2 && terms[1].Q == 1));

    public static void Accumulate(TermProducts term, int p, double[][] factors, int from, int to, GroupSums sums, Downdates? sent)
    {
        switch (term.Q, term.Ancestors.Length)
        {
            case (2, 0):
                Accumulate<Slope, NoOuter>(term, p, factors, from, to, sums, sent);
                break;
            case (2, _):
                Accumulate<Slope, Outer>(term, p, factors, from, to, sums, sent);
                break;
            case (_, 0):
                Accumulate<NoSlope, NoOuter>(term, p, factors, from, to, sums, sent);
                break;
            default:
                Accumulate<NoSlope, Outer>(term, p, factors, from, to, sums, sent);
                break;
        }
    }

    /// <summary>
    /// The JIT compiles one copy per pair of struct arguments with their <c>Present</c> as a
    /// constant, so the one-term q = 2 loop carries no test for the cases it does not have.
    /// </summary>
    private static void Accumulate<TSlope, TOuter>(TermProducts term, int p, double[][] factors, int from, int to, GroupSums sums, Downdates? sent)
        where TSlope : struct, IPresence
        where TOuter : struct, IPresence
    {
        var q = TSlope.Present ? 2 : 1; // a constant in each compiled copy
        var factor = factors[0];
        double t0 = factor[0], t1 = TSlope.Present ? factor[2] : 0, t2 = TSlope.Present ? factor[3] : 0;
        ReadOnlySpan<double> noColumn = new double[p];
        var outer = TOuter.Present ? term.Ancestors[0] : null;
        var outerScale = outer is null ? 0 : factors[1][0];
        var ztz = term.Ztz;
        var ztx = term.Ztx;
        var zty = term.Zty;
        Span<double> c0 = stackalloc double[p];
        Span<double> c1 = stackalloc double[p];
        var schur = sums.Schur;
        var rhs = sums.Rhs;
        double logDet = 0, squaredLength = 0;

        // det(T'Z'ZT + I) >= 1 per group; multiplying a few before one log saves most of the logs
        // while the product stays far below overflow for any realistic block.
        var determinantProduct = 1.0;
        var pending = 0;
        for (var g = from; g < to; g++)
        {
            double a = ztz[q * q * g], b = TSlope.Present ? ztz[(4 * g) + 1] : 0, c = TSlope.Present ? ztz[(4 * g) + 3] : 0;
            var m00 = (t0 * ((a * t0) + (b * t1))) + (t1 * ((b * t0) + (c * t1))) + 1;
            var m01 = t2 * ((b * t0) + (c * t1));
            var m11 = (c * t2 * t2) + 1;
            var l00 = Math.Sqrt(m00);
            var inverse00 = 1 / l00;
            var l10 = m01 * inverse00;
            var l11Squared = m11 - (l10 * l10);
            var inverse11 = 1 / Math.Sqrt(l11Squared);
            determinantProduct *= m00 * l11Squared;
            if (++pending == 8 || determinantProduct > 1e200)
            {
                logDet += Math.Log(determinantProduct);
                determinantProduct = 1;
                pending = 0;
            }

            var zy0 = zty[q * g];
            var zy1 = TSlope.Present ? zty[(2 * g) + 1] : 0;
            var cy0 = ((t0 * zy0) + (t1 * zy1)) * inverse00;
            var cy1 = ((t2 * zy1) - (l10 * cy0)) * inverse11;
            squaredLength += (cy0 * cy0) + (cy1 * cy1);

            // w = L^-1 T' Z'Z_outer T_outer: the group's coupling to its outer group.
            double w0 = 0, w1 = 0;
            var k = 0;
            if (TOuter.Present)
            {
                var zo0 = outer!.Ztz[q * g] * outerScale;
                var zo1 = TSlope.Present ? outer.Ztz[(2 * g) + 1] * outerScale : 0;
                w0 = ((t0 * zo0) + (t1 * zo1)) * inverse00;
                w1 = ((t2 * zo1) - (l10 * w0)) * inverse11;
                k = outer.Group[g];
                sent!.A[1][k] += (w0 * w0) + (w1 * w1);
                sent.Y[1][k] += (w0 * cy0) + (w1 * cy1);
            }

            var row0 = ztx.AsSpan(q * p * g, p);
            var row1 = TSlope.Present ? ztx.AsSpan((2 * p * g) + p, p) : noColumn;
            if (!TOuter.Present && p == FiveColumns)
            {
                AccumulateFive(row0, row1, t0, t1, t2, inverse00, l10, inverse11, cy0, cy1, schur, rhs);
                continue;
            }

            for (var r = 0; r < p; r++)
            {
                var x0 = row0[r];
                var x1 = row1[r];
                var v0 = ((t0 * x0) + (t1 * x1)) * inverse00;
                var v1 = ((t2 * x1) - (l10 * v0)) * inverse11;
                c0[r] = v0;
                c1[r] = v1;
                rhs[r] += (v0 * cy0) + (v1 * cy1);
                var offset = r * p;
                for (var j = 0; j <= r; j++)
                {
                    schur[offset + j] += (v0 * c0[j]) + (v1 * c1[j]);
                }

                if (TOuter.Present)
                {
                    sent!.X[1][(k * p) + r] += (w0 * v0) + (w1 * v1);
                }
            }
        }

        logDet += Math.Log(determinantProduct);
        sums.LogDet = logDet;
        sums.SquaredLength = squaredLength;
    }

    /// <summary>
    /// The symptom model's fixed effects (intercept, alliance within and between, symptoms within, session): the refit
    /// fits it at every clinic, and its deviance evaluations were half of a warm refit's CPU (bench/README.md).
    /// </summary>
    private const int FiveColumns = 5;

    /// <summary>
    /// The loop over r and j above for p = 5, written out: every element gets the same expression in the same order of
    /// operations (the JIT does not fuse a multiply and an add), so the sums are the same bit for bit, without the
    /// short loops, their bounds checks and the c0/c1 round trips through memory.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void AccumulateFive(
        ReadOnlySpan<double> row0, ReadOnlySpan<double> row1, double t0, double t1, double t2, double inverse00, double l10, double inverse11,
        double cy0, double cy1, Span<double> schur, Span<double> rhs)
    {
        row0 = row0[..5];
        row1 = row1[..5];
        schur = schur[..25];
        rhs = rhs[..5];
        var a0 = ((t0 * row0[0]) + (t1 * row1[0])) * inverse00;
        var b0 = ((t2 * row1[0]) - (l10 * a0)) * inverse11;
        var a1 = ((t0 * row0[1]) + (t1 * row1[1])) * inverse00;
        var b1 = ((t2 * row1[1]) - (l10 * a1)) * inverse11;
        var a2 = ((t0 * row0[2]) + (t1 * row1[2])) * inverse00;
        var b2 = ((t2 * row1[2]) - (l10 * a2)) * inverse11;
        var a3 = ((t0 * row0[3]) + (t1 * row1[3])) * inverse00;
        var b3 = ((t2 * row1[3]) - (l10 * a3)) * inverse11;
        var a4 = ((t0 * row0[4]) + (t1 * row1[4])) * inverse00;
        var b4 = ((t2 * row1[4]) - (l10 * a4)) * inverse11;
        rhs[0] += (a0 * cy0) + (b0 * cy1);
        rhs[1] += (a1 * cy0) + (b1 * cy1);
        rhs[2] += (a2 * cy0) + (b2 * cy1);
        rhs[3] += (a3 * cy0) + (b3 * cy1);
        rhs[4] += (a4 * cy0) + (b4 * cy1);
        schur[0] += (a0 * a0) + (b0 * b0);
        schur[5] += (a1 * a0) + (b1 * b0);
        schur[6] += (a1 * a1) + (b1 * b1);
        schur[10] += (a2 * a0) + (b2 * b0);
        schur[11] += (a2 * a1) + (b2 * b1);
        schur[12] += (a2 * a2) + (b2 * b2);
        schur[15] += (a3 * a0) + (b3 * b0);
        schur[16] += (a3 * a1) + (b3 * b1);
        schur[17] += (a3 * a2) + (b3 * b2);
        schur[18] += (a3 * a3) + (b3 * b3);
        schur[20] += (a4 * a0) + (b4 * b0);
        schur[21] += (a4 * a1) + (b4 * b1);
        schur[22] += (a4 * a2) + (b4 * b2);
        schur[23] += (a4 * a3) + (b4 * b3);
        schur[24] += (a4 * a4) + (b4 * b4);
    }

    private interface IPresence
    {
        static abstract bool Present { get; }
    }

    /// <summary>The term has a second column (a random slope).</summary>
    private readonly struct Slope : IPresence
    {
        public static bool Present => true;
    }

    private readonly struct NoSlope : IPresence
    {
        public static bool Present => false;
    }

    /// <summary>An outer scalar term (a therapist intercept) nests the term.</summary>
    private readonly struct Outer : IPresence
    {
        public static bool Present => true;
    }

    private readonly struct NoOuter : IPresence
    {
        public static bool Present => false;
    }
}
