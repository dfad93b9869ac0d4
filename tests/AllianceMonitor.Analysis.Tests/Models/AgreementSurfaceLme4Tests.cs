using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The response-surface parameters against those fit_lme4_agreement.R computed from lme4's fixef and vcov. The fit's
/// own estimates, SEs, variances and objective are checked with every other fixture in Lme4AgreementTests.
/// </summary>
public sealed class AgreementSurfaceLme4Tests
{
    [Theory]
    [InlineData("REML")]
    [InlineData("ML")]
    public void Surface_parameters_and_standard_errors_equal_lme4(string method)
    {
        var reference = Lme4Fixture.Fit("agreement", AgreementModel.Name, method);
        var surface = ResponseSurface.Of(Specs.Fit("agreement", AgreementModel.Name, method)).ToDictionary(a => a.Name);

        var expected = reference.Json.GetProperty("surface").EnumerateArray().ToArray();
        Assert.Equal(["a1", "a2", "a3", "a4"], expected.Select(e => e.GetProperty("parameter").GetString()));
        foreach (var e in expected)
        {
            var name = e.GetProperty("parameter").GetString()!;
            Tolerance.Close(e.GetProperty("estimate").GetDouble(), surface[name].Estimate, 1e-5, 1e-7, $"{name} estimate");
            Tolerance.Close(e.GetProperty("std_error").GetDouble(), surface[name].StdError, 1e-5, 1e-7, $"{name} std error");
            Assert.Equal(surface[name].Estimate - (1.959963984540054 * surface[name].StdError), surface[name].CiLow, 12);
        }
    }

    [Fact]
    public void Lines_and_definitions_follow_the_literature()
    {
        var surface = ResponseSurface.Of(Specs.Fit("agreement", AgreementModel.Name, "REML"));
        Assert.Equal(
            ["a1 Agreement Slope b1 + b2", "a2 Agreement Curvature b3 + b4 + b5", "a3 Disagreement Slope b1 - b2", "a4 Disagreement Curvature b3 - b4 + b5"],
            surface.Select(a => $"{a.Name} {a.Line} {a.Quantity} {a.Definition}"));
    }
}
