namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// The profiled deviance (ML) or REML criterion as a function of lme4's covariance parameters
/// theta (Bates et al. 2015, JSS 67(1), section 3). With one grouping factor the random-effects
/// system is block diagonal, so after the per-group cross-products are formed once, each evaluation
/// costs a q x q Cholesky per group plus a p x p one: linear in the number of groups and
/// independent of the number of observations.
/// </summary>
public sealed class ProfiledDeviance
{
    private const int MinGroupsPerChunk = 1024;
    private const int MaxChunks = 16;

    private readonly int _p;
    private readonly int _q;
    private readonly int _groups;
    private readonly GroupCrossProducts _products;
    private readonly double[] _ztz;
    private readonly double[] _ztx;
    private readonly double[] _zty;

    public ProfiledDeviance(MixedModelSpec spec)
    {
        Spec = spec;
        ObservationCount = spec.ObservationCount;
        _p = spec.FixedTerms.Count;
        _q = spec.RandomTerms.Count;
        _groups = spec.GroupLevels.Count;
        _products = new GroupCrossProducts(spec);
        _ztz = _products.Ztz;
        _ztx = _products.Ztx;
        _zty = _products.Zty;
    }

    public MixedModelSpec Spec { get; }

    public int ObservationCount { get; }

    public int FixedCount => _p;

    public int RandomCount => _q;

    public int ThetaLength => _q * (_q + 1) / 2;

    /// <summary>Zero for the diagonal of the relative factor, unbounded below elsewhere.</summary>
    public double[] LowerBounds()
    {
        var bounds = new double[ThetaLength];
        var k = 0;
        for (var j = 0; j < _q; j++)
        {
            for (var i = j; i < _q; i++)
            {
                bounds[k++] = i == j ? 0 : double.NegativeInfinity;
            }
        }

        return bounds;
    }

    /// <summary>lme4's starting value: identity relative factor.</summary>
    public double[] InitialTheta()
    {
        var bounds = LowerBounds();
        return bounds.Select(b => b == 0 ? 1.0 : 0.0).ToArray();
    }

    /// <summary>The objective lme4's <c>devFunOnly = TRUE</c> returns: REML criterion or ML deviance.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, FitMethod method) => Solve(theta).Objective(method);

    internal ProfiledSolution Solve(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ThetaLength)
        {
            throw new ArgumentException($"theta must have {ThetaLength} elements.", nameof(theta));
        }

        int p = _p, q = _q;
        var factor = new double[q * q];
        SmallDense.RelativeFactorFromTheta(theta, q, factor);

        // A fixed chunking (not one per core) keeps the summation order, and so the result, identical on any machine.
        var chunks = Math.Clamp(_groups / MinGroupsPerChunk, 1, MaxChunks);
        var partial = new GroupSums[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var sums = new GroupSums(p);
            var from = (int)((long)_groups * chunk / chunks);
            var to = (int)((long)_groups * (chunk + 1) / chunks);
            if (q == 2)
            {
                AccumulateTwoByTwo(from, to, factor, sums);
            }
            else
            {
                AccumulateGeneral(from, to, factor, sums);
            }

            partial[chunk] = sums;
        });

        var schur = (double[])_products.Xtx.Clone();
        var rhs = (double[])_products.Xty.Clone();
        var penalizedSquares = _products.Yty;
        var logDetL = 0.0;
        foreach (var sums in partial)
        {
            logDetL += sums.LogDet;
            penalizedSquares -= sums.SquaredLength;
            for (var r = 0; r < p; r++)
            {
                rhs[r] -= sums.Rhs[r];
                for (var c = 0; c <= r; c++)
                {
                    schur[(r * p) + c] -= sums.Schur[(r * p) + c];
                }
            }
        }

        return ProfiledSolution.Complete(theta.ToArray(), schur, rhs, penalizedSquares, logDetL, ObservationCount, _products);
    }

    private void AccumulateGeneral(int from, int to, double[] factor, GroupSums sums)
    {
        int p = _p, q = _q;
        Span<double> work = stackalloc double[q * q];
        Span<double> block = stackalloc double[q * q];
        Span<double> cx = stackalloc double[q * p];
        Span<double> cy = stackalloc double[q];
        for (var g = from; g < to; g++)
        {
            _products.FactorBlock(g, factor, work, block, cx, cy);
            sums.LogDet += SmallDense.LogDeterminantOfProduct(block, q);
            for (var a = 0; a < q; a++)
            {
                var cya = cy[a];
                sums.SquaredLength += cya * cya;
                for (var r = 0; r < p; r++)
                {
                    var car = cx[(a * p) + r];
                    sums.Rhs[r] += car * cya;
                    for (var c = 0; c <= r; c++)
                    {
                        sums.Schur[(r * p) + c] += car * cx[(a * p) + c];
                    }
                }
            }
        }
    }

    /// <summary>
    /// The q = 2 case (random intercept and one slope) written out: the same arithmetic as
    /// <see cref="AccumulateGeneral"/>, unrolled because this loop is the whole cost of a fit.
    /// </summary>
    private void AccumulateTwoByTwo(int from, int to, double[] factor, GroupSums sums)
    {
        var p = _p;
        double t0 = factor[0], t1 = factor[2], t2 = factor[3];
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
            double a = _ztz[4 * g], b = _ztz[(4 * g) + 1], c = _ztz[(4 * g) + 3];
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

            var zy0 = _zty[2 * g];
            var zy1 = _zty[(2 * g) + 1];
            var cy0 = ((t0 * zy0) + (t1 * zy1)) * inverse00;
            var cy1 = ((t2 * zy1) - (l10 * cy0)) * inverse11;
            squaredLength += (cy0 * cy0) + (cy1 * cy1);

            var row0 = _ztx.AsSpan(2 * p * g, p);
            var row1 = _ztx.AsSpan((2 * p * g) + p, p);
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

    /// <summary>
    /// Conditional modes b_g = Lambda u_g of every group at the given solution
    /// (lme4's <c>ranef</c>), as a groups x q row-major array.
    /// </summary>
    internal double[] ConditionalModes(ProfiledSolution solution)
    {
        int p = _p, q = _q;
        Span<double> factor = stackalloc double[q * q];
        SmallDense.RelativeFactorFromTheta(solution.Theta, q, factor);
        Span<double> work = stackalloc double[q * q];
        Span<double> block = stackalloc double[q * q];
        Span<double> cx = stackalloc double[q * p];
        Span<double> cy = stackalloc double[q];
        var modes = new double[_groups * q];
        for (var g = 0; g < _groups; g++)
        {
            _products.FactorBlock(g, factor, work, block, cx, cy);
            _products.ConditionalMode(factor, block, cx, cy, solution.Beta, [], modes.AsSpan(g * q, q));
        }

        return modes;
    }

    /// <summary>Per-chunk sums over groups of C'C, C'c, c'c and log det of the blocks.</summary>
    private sealed class GroupSums(int p)
    {
        public double[] Schur { get; } = new double[p * p];

        public double[] Rhs { get; } = new double[p];

        public double SquaredLength { get; set; }

        public double LogDet { get; set; }
    }
}
