namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// <see cref="BlockElimination"/> for the commonest model, one term with q = 2 (random intercept
/// and one slope) and no outer term, written out: the same arithmetic, unrolled because this loop
/// is the whole cost of a fit.
/// </summary>
internal static class OneTermTwoByTwo
{
    public static void Accumulate(TermProducts term, int p, double[] factor, int from, int to, GroupSums sums)
    {
        double t0 = factor[0], t1 = factor[2], t2 = factor[3];
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
            double a = ztz[4 * g], b = ztz[(4 * g) + 1], c = ztz[(4 * g) + 3];
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

            var zy0 = zty[2 * g];
            var zy1 = zty[(2 * g) + 1];
            var cy0 = ((t0 * zy0) + (t1 * zy1)) * inverse00;
            var cy1 = ((t2 * zy1) - (l10 * cy0)) * inverse11;
            squaredLength += (cy0 * cy0) + (cy1 * cy1);

            var row0 = ztx.AsSpan(2 * p * g, p);
            var row1 = ztx.AsSpan((2 * p * g) + p, p);
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
                for (var k = 0; k <= r; k++)
                {
                    schur[offset + k] += (v0 * c0[k]) + (v1 * c1[k]);
                }
            }
        }

        logDet += Math.Log(determinantProduct);
        sums.LogDet = logDet;
        sums.SquaredLength = squaredLength;
    }
}
