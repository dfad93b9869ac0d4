namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// Profiled REML/ML criterion for two nested grouping factors: the spec's groups (e.g.
/// therapist:patient, with the spec's random terms) nested in outer groups (e.g. therapist) that
/// carry a random intercept, as in lme4's <c>(1 | therapist) + (1 + x | therapist:patient)</c>.
/// theta is the inner factor's lme4 parameters followed by the outer relative SD (lme4 orders
/// terms by decreasing number of levels, so the inner term comes first).
/// Because every inner group belongs to one outer group, the Cholesky factor of the random-effects
/// system keeps a scalar diagonal for the outer level: one evaluation is still linear in groups.
/// </summary>
public sealed class NestedProfiledDeviance
{
    private readonly GroupCrossProducts _products;
    private readonly int[][] _innerByOuter;
    private readonly double[] _outerCount;
    private readonly double[] _outerXSum;
    private readonly double[] _outerYSum;

    public NestedProfiledDeviance(MixedModelSpec spec, string outerGroupName, IReadOnlyList<string> outerGroups)
    {
        if (outerGroups.Count != spec.ObservationCount)
        {
            throw new ArgumentException("One outer group label per observation is required.", nameof(outerGroups));
        }

        Spec = spec;
        OuterGroupName = outerGroupName;
        _products = new GroupCrossProducts(spec);
        var (levels, outerOfInner) = MapInnerToOuter(spec, outerGroups);
        OuterLevels = levels;
        _innerByOuter = Enumerable.Range(0, levels.Count)
            .Select(k => Enumerable.Range(0, outerOfInner.Length).Where(i => outerOfInner[i] == k).ToArray())
            .ToArray();

        int p = _products.P, q = _products.Q;
        _outerCount = new double[levels.Count];
        _outerXSum = new double[levels.Count * p];
        _outerYSum = new double[levels.Count];
        var y = spec.Response;
        var inner = spec.GroupIndex;
        for (var row = 0; row < y.Length; row++)
        {
            var k = outerOfInner[inner[row]];
            _outerCount[k]++;
            _outerYSum[k] += y[row] - _products.ResponseShift;
            for (var c = 0; c < p; c++)
            {
                _outerXSum[(k * p) + c] += spec.FixedColumn(c)[row];
            }
        }

        InnerThetaLength = q * (q + 1) / 2;
    }

    public MixedModelSpec Spec { get; }

    public string OuterGroupName { get; }

    public IReadOnlyList<string> OuterLevels { get; }

    public int InnerThetaLength { get; }

    public int ThetaLength => InnerThetaLength + 1;

    public double[] LowerBounds()
    {
        var q = _products.Q;
        var bounds = new List<double>();
        for (var j = 0; j < q; j++)
        {
            for (var i = j; i < q; i++)
            {
                bounds.Add(i == j ? 0 : double.NegativeInfinity);
            }
        }

        bounds.Add(0);
        return [.. bounds];
    }

    public double[] InitialTheta() => LowerBounds().Select(b => b == 0 ? 1.0 : 0.0).ToArray();

    public double Evaluate(ReadOnlySpan<double> theta, FitMethod method) => Solve(theta).Objective(method);

    internal ProfiledSolution Solve(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ThetaLength)
        {
            throw new ArgumentException($"theta must have {ThetaLength} elements.", nameof(theta));
        }

        int p = _products.P, q = _products.Q;
        var factor = new double[q * q];
        SmallDense.RelativeFactorFromTheta(theta, q, factor);
        var outerSd = theta[InnerThetaLength];

        var schur = (double[])_products.Xtx.Clone();
        var rhs = (double[])_products.Xty.Clone();
        var squares = _products.Yty;
        var logDet = 0.0;
        var work = new double[q * q];
        var block = new double[q * q];
        var cx = new double[q * p];
        var cy = new double[q];
        var w = new double[q];
        var outerX = new double[p];
        for (var k = 0; k < _innerByOuter.Length; k++)
        {
            // Accumulate, over the outer group's inner groups, w'w, w'c and w'C where w is the
            // inner block's coupling to the outer intercept.
            double wTw = 0, wTc = 0;
            Array.Clear(outerX);
            foreach (var g in _innerByOuter[k])
            {
                _products.FactorBlock(g, factor, work, block, cx, cy);
                logDet += SmallDense.LogDeterminantOfProduct(block, q);
                Coupling(g, factor, block, outerSd, w);
                for (var a = 0; a < q; a++)
                {
                    squares -= cy[a] * cy[a];
                    wTw += w[a] * w[a];
                    wTc += w[a] * cy[a];
                    for (var r = 0; r < p; r++)
                    {
                        var car = cx[(a * p) + r];
                        rhs[r] -= car * cy[a];
                        outerX[r] += w[a] * car;
                        for (var c = 0; c <= r; c++)
                        {
                            schur[(r * p) + c] -= car * cx[(a * p) + c];
                        }
                    }
                }
            }

            var outerSquared = (outerSd * outerSd * _outerCount[k]) + 1 - wTw;
            var outerDiagonal = Math.Sqrt(outerSquared);
            logDet += Math.Log(outerSquared);
            var outerY = ((outerSd * _outerYSum[k]) - wTc) / outerDiagonal;
            squares -= outerY * outerY;
            for (var r = 0; r < p; r++)
            {
                outerX[r] = ((outerSd * _outerXSum[(k * p) + r]) - outerX[r]) / outerDiagonal;
            }

            for (var r = 0; r < p; r++)
            {
                rhs[r] -= outerX[r] * outerY;
                for (var c = 0; c <= r; c++)
                {
                    schur[(r * p) + c] -= outerX[r] * outerX[c];
                }
            }
        }

        return ProfiledSolution.Complete(theta.ToArray(), schur, rhs, squares, logDet, Spec.ObservationCount, _products);
    }

    /// <summary>Conditional modes: inner groups x q (row-major) and one per outer group.</summary>
    internal (double[] Inner, double[] Outer) ConditionalModes(ProfiledSolution solution)
    {
        int p = _products.P, q = _products.Q;
        var factor = new double[q * q];
        SmallDense.RelativeFactorFromTheta(solution.Theta, q, factor);
        var outerSd = solution.Theta[InnerThetaLength];
        var work = new double[q * q];
        var block = new double[q * q];
        var cx = new double[q * p];
        var cy = new double[q];
        var w = new double[q];
        var inner = new double[_products.Groups * q];
        var outer = new double[_innerByOuter.Length];
        var offset = new double[q];
        for (var k = 0; k < _innerByOuter.Length; k++)
        {
            // Forward pass: the outer row of the factor and its right-hand side.
            double wTw = 0, wTr = 0;
            foreach (var g in _innerByOuter[k])
            {
                _products.FactorBlock(g, factor, work, block, cx, cy);
                Coupling(g, factor, block, outerSd, w);
                for (var a = 0; a < q; a++)
                {
                    var r = cy[a];
                    for (var c = 0; c < p; c++)
                    {
                        r -= cx[(a * p) + c] * solution.Beta[c];
                    }

                    wTw += w[a] * w[a];
                    wTr += w[a] * r;
                }
            }

            var outerDiagonal = Math.Sqrt((outerSd * outerSd * _outerCount[k]) + 1 - wTw);
            var outerRhs = outerSd * _outerYSum[k];
            for (var c = 0; c < p; c++)
            {
                outerRhs -= outerSd * _outerXSum[(k * p) + c] * solution.Beta[c];
            }

            var uOuter = (outerRhs - wTr) / outerDiagonal / outerDiagonal;
            outer[k] = outerSd * uOuter;

            // Back substitution for the inner groups given the outer mode.
            foreach (var g in _innerByOuter[k])
            {
                _products.FactorBlock(g, factor, work, block, cx, cy);
                Coupling(g, factor, block, outerSd, w);
                for (var a = 0; a < q; a++)
                {
                    offset[a] = w[a] * uOuter;
                }

                _products.ConditionalMode(factor, block, cx, cy, solution.Beta, offset, inner.AsSpan(g * q, q));
            }
        }

        return (inner, outer);
    }

    /// <summary>w = block^-1 T' Z_g' 1 * outerSd: the inner block's coupling to its outer intercept.</summary>
    private void Coupling(int g, double[] factor, double[] block, double outerSd, double[] w)
    {
        var q = _products.Q;
        for (var r = 0; r < q; r++)
        {
            var s = 0.0;
            for (var j = r; j < q; j++)
            {
                s += factor[(j * q) + r] * _products.Zt1[(g * q) + j];
            }

            w[r] = s * outerSd;
        }

        SmallDense.ForwardSolveInPlace(block, q, w, 1);
    }

    private static (IReadOnlyList<string> Levels, int[] OuterOfInner) MapInnerToOuter(MixedModelSpec spec, IReadOnlyList<string> outerGroups)
    {
        var levels = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var outerOfInner = Enumerable.Repeat(-1, spec.GroupLevels.Count).ToArray();
        var inner = spec.GroupIndex;
        for (var row = 0; row < outerGroups.Count; row++)
        {
            if (!index.TryGetValue(outerGroups[row], out var k))
            {
                k = levels.Count;
                index.Add(outerGroups[row], k);
                levels.Add(outerGroups[row]);
            }

            var g = inner[row];
            if (outerOfInner[g] >= 0 && outerOfInner[g] != k)
            {
                throw new ArgumentException(
                    $"Group {spec.GroupLevels[g]} appears in more than one {nameof(outerGroups)} level; the factors are not nested.");
            }

            outerOfInner[g] = k;
        }

        return (levels, outerOfInner);
    }
}
