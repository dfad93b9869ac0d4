namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// The profiled deviance (ML) or REML criterion as a function of lme4's covariance parameters
/// theta (Bates et al. 2015, JSS 67(1), section 3), for any <see cref="MixedModelSpec"/>: one
/// random-effect term (patient intercept and slope) or nested terms (therapist intercept above it)
/// are the same code with a different list of terms. After the cross-products are formed once,
/// each evaluation is one pass of <see cref="BlockElimination"/> over the groups plus a p x p
/// Cholesky: linear in the number of groups and independent of the number of observations.
/// theta is the terms' parameters one after the other, innermost term first, as in lme4.
/// </summary>
public sealed class ProfiledDeviance
{
    private const int MinGroupsPerChunk = 1024;
    private const int MaxChunks = 16;

    /// <summary>
    /// Each chunk of innermost groups keeps its own downdates of the outer groups; with fewer than
    /// this many inner groups per outer group the copies would cost more than the parallel pass saves.
    /// </summary>
    private const int MinInnerPerOuterPerChunk = 4;

    private readonly CrossProducts _products;
    private readonly int _chunks;

    public ProfiledDeviance(MixedModelSpec spec)
        : this(spec, new CrossProducts(spec))
    {
    }

    /// <summary>The deviance of <paramref name="spec"/>'s structure from products formed elsewhere (<see cref="CrossProducts.Combine"/>).</summary>
    internal ProfiledDeviance(MixedModelSpec spec, CrossProducts products)
    {
        Spec = spec;
        _products = products;

        // A fixed chunking (not one per core) keeps the summation order, and so the result, identical on any machine.
        var groups = _products.Terms[0].Groups;
        var chunks = Math.Clamp(groups / MinGroupsPerChunk, 1, MaxChunks);
        if (_products.Terms.Length > 1)
        {
            var outerGroups = _products.Terms.Skip(1).Sum(t => t.Groups);
            chunks = Math.Clamp(groups / (MinInnerPerOuterPerChunk * outerGroups), 1, chunks);
        }

        _chunks = chunks;
    }

    public MixedModelSpec Spec { get; }

    public int ThetaLength => Spec.ThetaLength;

    /// <summary>Zero for the diagonals of the relative factors, unbounded below elsewhere.</summary>
    public double[] LowerBounds()
    {
        var bounds = Enumerable.Repeat(double.NegativeInfinity, ThetaLength).ToArray();
        foreach (var (diagonal, _) in ZeroDiagonalColumns.Of(Spec))
        {
            bounds[diagonal] = 0;
        }

        return bounds;
    }

    /// <summary>lme4's starting value: identity relative factors.</summary>
    public double[] InitialTheta() => LowerBounds().Select(b => b == 0 ? 1.0 : 0.0).ToArray();

    /// <summary>The objective lme4's <c>devFunOnly = TRUE</c> returns: REML criterion or ML deviance.</summary>
    public double Evaluate(ReadOnlySpan<double> theta, FitMethod method) => Solve(theta).Objective(method);

    /// <summary>theta -> <see cref="Evaluate"/>, the function the optimizer minimizes.</summary>
    public Func<double[], double> Objective(FitMethod method) => theta => Evaluate(theta, method);

    internal ProfiledSolution Solve(ReadOnlySpan<double> theta)
    {
        var factors = Factors(theta);
        var p = _products.P;
        var terms = _products.Terms;
        var innermost = terms[0];
        var partial = new GroupSums[_chunks];
        var downdates = new Downdates?[_chunks];
        Parallel.For(0, _chunks, chunk =>
        {
            var sums = new GroupSums(p);
            var from = (int)((long)innermost.Groups * chunk / _chunks);
            var to = (int)((long)innermost.Groups * (chunk + 1) / _chunks);
            var sent = terms.Length > 1 ? new Downdates(_products) : null;
            if (UnrolledKernel.Applies(terms))
            {
                UnrolledKernel.Accumulate(innermost, p, factors, from, to, sums, sent);
            }
            else if (VectorKernel.Applies(terms))
            {
                VectorKernel.Accumulate(innermost, p, factors[0], from, to, sums);
            }
            else
            {
                var ws = new BlockWorkspace(innermost, p);
                for (var g = from; g < to; g++)
                {
                    BlockElimination.Eliminate(_products, factors, 0, g, null, sent, ws, sums);
                }
            }

            downdates[chunk] = sent;
            partial[chunk] = sums;
        });

        if (terms.Length > 1)
        {
            var outer = downdates[0]!;
            for (var chunk = 1; chunk < _chunks; chunk++)
            {
                outer.Add(downdates[chunk]!);
            }

            // Outer terms have few groups (therapists); they are eliminated in one thread.
            var sums = new GroupSums(p);
            for (var l = 1; l < terms.Length; l++)
            {
                var ws = new BlockWorkspace(terms[l], p);
                for (var g = 0; g < terms[l].Groups; g++)
                {
                    BlockElimination.Eliminate(_products, factors, l, g, outer, outer, ws, sums);
                }
            }

            partial = [.. partial, sums];
        }

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

        return ProfiledSolution.Complete(theta.ToArray(), schur, rhs, penalizedSquares, logDetL, Spec.ObservationCount, _products);
    }

    /// <summary>
    /// Conditional modes b = Lambda u of every group of every term at the given solution (lme4's
    /// <c>ranef</c>): per term, a groups x q row-major array.
    /// </summary>
    internal double[][] ConditionalModes(ProfiledSolution solution) =>
        ConditionalModeSolver.Solve(_products, Factors(solution.Theta), solution.Beta);

    /// <summary>The relative covariance factor T of each term, q x q lower triangular, from its slice of theta.</summary>
    private double[][] Factors(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ThetaLength)
        {
            throw new ArgumentException($"theta must have {ThetaLength} elements.", nameof(theta));
        }

        var factors = new double[_products.Terms.Length][];
        var offset = 0;
        for (var l = 0; l < factors.Length; l++)
        {
            var term = Spec.RandomEffects[l];
            factors[l] = new double[term.Q * term.Q];
            SmallDense.RelativeFactorFromTheta(theta.Slice(offset, term.ThetaLength), term.Q, factors[l]);
            offset += term.ThetaLength;
        }

        return factors;
    }
}
