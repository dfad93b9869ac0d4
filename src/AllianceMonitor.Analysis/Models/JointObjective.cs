using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The REML criterion or ML deviance of a <see cref="JointDesign"/>'s unscaled data as one function of theta and
/// log(scale), so that one optimization finds both instead of a search over the scale with a full fit at each step.
/// Every cross-product of the stacked model is made within one row, and the outcome rows and the predictor rows share no
/// column that is non-zero on both, so scaling the predictor rows by s multiplies their part of every product by s^2:
/// the products are formed once per row kind and combined per evaluation, which is exactly the stacked model at that
/// scale (up to the order of the sums' rounding).
/// </summary>
public sealed class JointObjective
{
    private readonly CrossProducts _outcome;
    private readonly CrossProducts _predictor;
    private readonly MixedModelSpec _structure;
    private readonly int _pairs;

    /// <summary>
    /// The products at the last scale, recombined in place when the scale moves (<see cref="CrossProducts.Recombine"/>),
    /// and their deviance: a Newton step's finite differences in theta reuse it.
    /// </summary>
    private CrossProducts? _combined;

    private ProfiledDeviance? _deviance;

    private double _lastLogScale;

    public JointObjective(JointDesign design, FitMethod method)
    {
        ArgumentNullException.ThrowIfNull(design);
        Method = method;
        _pairs = design.Pairs;
        _structure = design.Spec(1, 0);
        _outcome = new CrossProducts(_structure);
        _predictor = new CrossProducts(design.Spec(0, 1));
        ThetaLength = _structure.ThetaLength;
    }

    public FitMethod Method { get; }

    public int ThetaLength { get; }

    /// <summary>The objective at <paramref name="theta"/> and scale exp(<paramref name="logScale"/>).</summary>
    public double Evaluate(ReadOnlySpan<double> theta, double logScale) =>
        JointFitter.Objective(At(logScale).Evaluate(theta, Method), _pairs, Math.Exp(logScale));

    /// <summary>The objective at theta followed by log(scale), the function the optimizer minimizes.</summary>
    public double Evaluate(double[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Length != ThetaLength + 1)
        {
            throw new ArgumentException($"The parameters must be theta ({ThetaLength} elements) and log(scale).", nameof(parameters));
        }

        return Evaluate(parameters.AsSpan(0, ThetaLength), parameters[ThetaLength]);
    }

    /// <summary>theta's bounds (<see cref="ProfiledDeviance.LowerBounds"/>), then none on log(scale).</summary>
    public double[] LowerBounds() => [.. new ProfiledDeviance(_structure, _outcome).LowerBounds(), double.NegativeInfinity];

    /// <summary>theta's columns (<see cref="ZeroDiagonalColumns.Of"/>), read from the model's structure.</summary>
    public IReadOnlyList<(int Diagonal, int[] Below)> ThetaColumns() => ZeroDiagonalColumns.Of(_structure);

    /// <summary>lme4's start for theta, then log(<paramref name="scale"/>).</summary>
    public double[] Start(double scale) => [.. new ProfiledDeviance(_structure, _outcome).InitialTheta(), Math.Log(scale)];

    /// <remarks>Not thread-safe: one optimizer evaluates one objective at a time.</remarks>
    private ProfiledDeviance At(double logScale)
    {
        var scale = Math.Exp(logScale);
        if (_combined is null || _deviance is null)
        {
            _combined = CrossProducts.Combine(_outcome, _predictor, scale * scale);
            _deviance = new ProfiledDeviance(_structure, _combined);
        }
        else if (BitConverter.DoubleToInt64Bits(_lastLogScale) != BitConverter.DoubleToInt64Bits(logScale))
        {
            _combined.Recombine(_outcome, _predictor, scale * scale);
        }

        _lastLogScale = logScale;
        return _deviance;
    }
}
