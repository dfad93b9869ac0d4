using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Inference;

/// <summary>
/// The difference between two levels' slopes (<c>Level</c> minus <c>Versus</c>) with its Wald z and p, and the
/// Bonferroni-adjusted p and interval over all the fit's pairwise contrasts.
/// </summary>
/// <param name="PValue">Two-sided, unadjusted: for one pre-planned comparison only.</param>
/// <param name="AdjustedPValue">min(1, m p) over the m pairwise contrasts (Bonferroni).</param>
/// <param name="CiLow">Lower limit of the Bonferroni-adjusted 95% Wald interval: estimate - z(1 - 0.025 / m) SE.</param>
public sealed record ModalityContrast(
    string Level, string Versus, double Estimate, double StdError, double Z, double PValue, double AdjustedPValue, double CiLow, double CiHigh);

/// <summary>
/// Pairwise contrasts of per-level slopes from the fixed-effects covariance. Bonferroni rather than Holm: its adjusted p
/// and its simultaneous intervals agree (an interval excludes zero exactly when the adjusted p is below .05), which
/// Holm's step-down p-values do not have intervals for.
/// </summary>
public static class ModalityContrasts
{
    public const string Adjustment = "bonferroni";

    /// <param name="levels">Each level with its slope's fixed-effect term, the reference first; contrasts run later minus earlier.</param>
    public static IReadOnlyList<ModalityContrast> Pairwise(MixedModelFit fit, IReadOnlyList<(string Level, string Term)> levels)
    {
        var index = levels.Select(l => fit.FixedEffects.Select(f => f.Term).ToList().IndexOf(l.Term)).ToArray();
        if (index.Any(i => i < 0))
        {
            throw new ArgumentException("Every level's slope must be a fixed effect of the fit.", nameof(levels));
        }

        var m = levels.Count * (levels.Count - 1) / 2;
        if (m == 0)
        {
            return [];
        }

        var critical = Normal.UpperQuantile(0.025 / m);
        var v = fit.FixedEffectsCovariance;
        var contrasts = new List<ModalityContrast>(m);
        for (var a = 0; a < levels.Count; a++)
        {
            for (var b = a + 1; b < levels.Count; b++)
            {
                int i = index[b], j = index[a];
                var estimate = fit.FixedEffects[i].Estimate - fit.FixedEffects[j].Estimate;
                var se = Math.Sqrt(Math.Max(0, v[i][i] + v[j][j] - (2 * v[i][j])));
                var z = estimate / se;
                var p = Normal.TwoSidedP(z);
                contrasts.Add(new ModalityContrast(
                    levels[b].Level, levels[a].Level, estimate, se, z, p, Math.Min(1, m * p), estimate - (critical * se), estimate + (critical * se)));
            }
        }

        return contrasts;
    }
}
