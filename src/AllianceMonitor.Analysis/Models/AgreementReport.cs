using System.Diagnostics;
using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The agreement model and its response surface, as <c>analyze --model agreement</c> and <c>GET /analysis/summary</c> print
/// them (the <c>agreement</c> member). <c>model</c> and <c>surface</c> are null, and <c>reason</c> says why, when too few
/// sessions carry both a client and a therapist rating.
/// </summary>
/// <param name="MinPairs">Fewest complete lag pairs with both ratings at session t for which the model is reported.</param>
/// <param name="SessionsWithBothRatings">Sessions where client and therapist both rated the alliance.</param>
public sealed record AgreementReport(
    [property: JsonPropertyName("min_pairs")] int MinPairs,
    [property: JsonPropertyName("n_sessions_both_raters")] int SessionsWithBothRatings,
    [property: JsonPropertyName("model")] ModelReport? Model,
    [property: JsonPropertyName("surface")] IReadOnlyList<SurfaceParameterReport>? Surface,
    [property: JsonPropertyName("reason")] string? Reason);

/// <param name="Line">agreement (X = Y) or disagreement (X = -Y).</param>
/// <param name="Quantity">slope or curvature along that line, at the patient's common centre.</param>
/// <param name="Definition">The combination of the polynomial's coefficients (b1 X, b2 Y, b3 X^2, b4 XY, b5 Y^2).</param>
public sealed record SurfaceParameterReport(
    [property: JsonPropertyName("parameter")] string Parameter,
    [property: JsonPropertyName("line")] SurfaceLine Line,
    [property: JsonPropertyName("quantity")] SurfaceQuantity Quantity,
    [property: JsonPropertyName("definition")] string Definition,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval);

public static class AgreementReportBuilder
{
    /// <summary>Fits the agreement model, or says in <see cref="AgreementReport.Reason"/> why it was not fitted.</summary>
    /// <exception cref="InvalidOperationException">The fit itself failed (not a shortage of data).</exception>
    public static AgreementReport Build(IReadOnlyCollection<SessionObservation> observations, FitMethod method, int minPairs = AgreementModel.DefaultMinPairs)
    {
        var both = AgreementDesign.SessionsWithBothRatings(observations);
        MixedModelSpec spec;
        try
        {
            spec = AgreementDesign.Build(observations, minPairs);
        }
        catch (InsufficientDataException e)
        {
            var reason = both == 0
                ? "No session has both a client and a therapist rating of the alliance, so agreement cannot be analysed."
                : $"{both} sessions have both a client and a therapist rating of the alliance: {e.Message}";
            return new AgreementReport(minPairs, both, null, null, reason);
        }

        var clock = Stopwatch.StartNew();
        var fit = MixedModelFitter.Fit(spec, method);
        clock.Stop();
        var surface = ResponseSurface.Of(fit).Select(a => new SurfaceParameterReport(
            a.Name, a.Line, a.Quantity, a.Definition,
            a.Estimate, a.StdError, a.CiLow, a.CiHigh, IntervalKind.Wald)).ToArray();
        var model = AnalysisReportBuilder.ToReport(AgreementModel.Name, Estimator.PersonMeanCentred, AgreementModel.Formula, fit, clock.Elapsed.TotalSeconds);
        return new AgreementReport(minPairs, both, model, surface, null);
    }
}
