using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>Where on the surface a parameter is read: along X = Y or along X = -Y. Served as <c>agreement</c>, <c>disagreement</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<SurfaceLine>))]
public enum SurfaceLine
{
    Agreement,
    Disagreement,
}

/// <summary>What a surface parameter measures along its line, at the common centre. Served as <c>slope</c>, <c>curvature</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<SurfaceQuantity>))]
public enum SurfaceQuantity
{
    Slope,
    Curvature,
}

/// <summary>One response-surface parameter: a linear combination of the polynomial's coefficients.</summary>
/// <param name="Name">a1 ... a4, as in Shanock et al. (2010).</param>
/// <param name="Definition">The combination in the b1 ... b5 notation, e.g. "b1 + b2".</param>
/// <param name="StdError">sqrt(c' V c), V the fixed-effects covariance of the fit and c the combination's weights.</param>
/// <param name="CiLow">Lower limit of the 95% Wald interval.</param>
/// <param name="CiHigh">Upper limit of the 95% Wald interval.</param>
public sealed record SurfaceParameter(
    string Name, SurfaceLine Line, SurfaceQuantity Quantity, string Definition, double Estimate, double StdError, double CiLow, double CiHigh);

public static class ResponseSurface
{
    private const double NormalQuantile975 = 1.959963984540054;

    /// <summary>b1 ... b5 in the notation of the literature: X, Y, X^2, XY, Y^2.</summary>
    private static readonly string[] PolynomialTerms =
        [AgreementModel.Client, AgreementModel.Therapist, AgreementModel.ClientSquared, AgreementModel.Product, AgreementModel.TherapistSquared];

    private static readonly (string Name, SurfaceLine Line, SurfaceQuantity Quantity, string Definition, double[] Weights)[] Definitions =
    [
        ("a1", SurfaceLine.Agreement, SurfaceQuantity.Slope, "b1 + b2", [1, 1, 0, 0, 0]),
        ("a2", SurfaceLine.Agreement, SurfaceQuantity.Curvature, "b3 + b4 + b5", [0, 0, 1, 1, 1]),
        ("a3", SurfaceLine.Disagreement, SurfaceQuantity.Slope, "b1 - b2", [1, -1, 0, 0, 0]),
        ("a4", SurfaceLine.Disagreement, SurfaceQuantity.Curvature, "b3 - b4 + b5", [0, 0, 1, -1, 1]),
    ];

    /// <summary>a1 ... a4 of a fitted <see cref="AgreementModel"/>, with standard errors from its fixed-effects covariance.</summary>
    public static IReadOnlyList<SurfaceParameter> Of(MixedModelFit fit)
    {
        var terms = fit.FixedEffects.Select(f => f.Term).ToList();
        var index = PolynomialTerms.Select(t => terms.IndexOf(t)).ToArray();
        if (index.Any(i => i < 0))
        {
            throw new ArgumentException("The fit is not an agreement model: a polynomial term is missing.", nameof(fit));
        }

        return Definitions.Select(d =>
        {
            var estimate = 0.0;
            var variance = 0.0;
            for (var i = 0; i < index.Length; i++)
            {
                estimate += d.Weights[i] * fit.FixedEffects[index[i]].Estimate;
                for (var j = 0; j < index.Length; j++)
                {
                    variance += d.Weights[i] * d.Weights[j] * fit.FixedEffectsCovariance[index[i]][index[j]];
                }
            }

            var se = Math.Sqrt(Math.Max(variance, 0));
            return new SurfaceParameter(d.Name, d.Line, d.Quantity, d.Definition, estimate, se, estimate - (NormalQuantile975 * se), estimate + (NormalQuantile975 * se));
        }).ToArray();
    }
}
