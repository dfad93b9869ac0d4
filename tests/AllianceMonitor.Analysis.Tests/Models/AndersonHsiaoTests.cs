using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class AndersonHsiaoTests
{
    /// <summary>
    /// Data that satisfy y(t+1) = a_i + 0.4 y(t) − 1.5 x(t) − 0.3 t exactly: the differenced equation has no error, so
    /// the instrumental-variable solution must return the three coefficients whatever the instruments' strength.
    /// </summary>
    [Fact]
    public void Noise_free_data_give_back_the_coefficients_exactly()
    {
        var rows = new List<SessionObservation>();
        var state = 7u;
        double Next() => (state = (state * 1_103_515_245u) + 12_345u) / (double)uint.MaxValue;
        for (var i = 0; i < 30; i++)
        {
            var level = 5 + (10 * Next());
            var y = 10 + (5 * Next());
            for (var t = 1; t <= 6; t++)
            {
                var x = 3 + Next();
                rows.Add(new($"p{i}", null, t, x, y));
                y = level + (0.4 * y) - (1.5 * x) - (0.3 * t);
            }
        }

        var model = ModelCatalog.AllianceToSymptoms;
        var fit = AndersonHsiao.Fit(rows, model);

        Assert.Equal([LaggedModelDefinition.Intercept, "symptoms_diff", "alliance_diff"], fit.Select(f => f.Term));
        Assert.Equal(-0.3, fit[0].Estimate, 9);
        Assert.Equal(0.4, fit[1].Estimate, 9);
        Assert.Equal(-1.5, fit[2].Estimate, 9);
    }

    [Fact]
    public void Equations_need_three_consecutive_sessions()
    {
        // Gaps leave no run of three sessions.
        var rows = Enumerable.Range(0, 10)
            .SelectMany(i => new SessionObservation[] { new($"p{i}", null, 1, 4, 10 + i), new($"p{i}", null, 2, 3, 9 + i), new($"p{i}", null, 4, 4, 8) })
            .ToList();

        Assert.Throws<InsufficientDataException>(() => AndersonHsiao.Fit(rows, ModelCatalog.AllianceToSymptoms));
    }
}
