using System.Text.Json;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The joint estimator against lme4 (tests/fixtures/lme4/fit_lme4_joint.R): the same stacked frame built in R, the
/// alliance rows weighted by scale^2, and the scale chosen by optimize() on lme4's own weighted criterion.
/// </summary>
public sealed class JointLme4Tests
{
    public static TheoryData<string, string> Cases => new() { { "small", "REML" }, { "small", "ML" }, { "medium", "REML" }, { "medium", "ML" } };

    private static readonly JointModel Model = new(ModelCatalog.AllianceToSymptoms);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objective_at_lme4_probes_and_optimum_equals_lme4_weighted_criterion(string dataset, string method)
    {
        var (reference, design) = Load(dataset, method);
        Assert.Equal(reference.GetProperty("n_observations").GetInt32(), 2 * design.Pairs);
        Assert.Equal(reference.GetProperty("n_patients").GetInt32(), design.Patients);
        foreach (var probe in reference.GetProperty("probes").EnumerateArray())
        {
            var theta = Lme4Fit.Vector(probe.GetProperty("theta"));
            var scale = probe.GetProperty("scale").GetDouble();
            Tolerance.Close(probe.GetProperty("objective").GetDouble(), ObjectiveAt(design, theta, scale, method), 1e-10, 1e-8, $"objective at scale {scale}");
        }

        Tolerance.Close(
            reference.GetProperty("objective").GetDouble(),
            ObjectiveAt(design, Lme4Fit.Vector(reference.GetProperty("theta")), reference.GetProperty("scale").GetDouble(), method),
            1e-10, 1e-8, "objective at lme4's optimum");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_reaches_lme4_optimum_with_its_scale_fixed_effects_and_standard_errors(string dataset, string method)
    {
        var (reference, design) = Load(dataset, method);

        var fit = JointFitter.Fit(design, Specs.Method(method));

        // At least as low as lme4's optimum, and not far below it (both searches stop on the same flat optimum).
        var lme4Objective = reference.GetProperty("objective").GetDouble();
        Assert.True(fit.Objective <= lme4Objective + 1e-6, $"objective {fit.Objective:R} above lme4's {lme4Objective:R}");
        Assert.True(fit.Objective >= lme4Objective - 1e-3, $"objective {fit.Objective:R} far below lme4's {lme4Objective:R}");
        Tolerance.Close(reference.GetProperty("scale").GetDouble(), fit.Scale, 1e-3, 0, "scale");
        foreach (var expected in reference.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString()!;
            var actual = fit.Fit.Fixed(term);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.Estimate, 1e-3, 1e-4, $"{term} estimate");
            Tolerance.Close(expected.GetProperty("std_error").GetDouble(), actual.StdError, 1e-3, 1e-5, $"{term} std error");
        }
    }

    private static double ObjectiveAt(JointDesign design, double[] theta, double scale, string method) =>
        JointFitter.Objective(new ProfiledDeviance(design.Spec(scale)).Evaluate(theta, Specs.Method(method)), design.Pairs, scale);

    private static (JsonElement Reference, JointDesign Design) Load(string dataset, string method)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Lme4Fixture.PathOf(dataset + ".joint.lme4.json")));
        var reference = document.RootElement.GetProperty("fits").EnumerateArray().Single(f => f.GetProperty("method").GetString() == method).Clone();
        return (reference, JointDesign.Build(Lme4Fixture.Observations(dataset).ToArray(), Model));
    }
}
