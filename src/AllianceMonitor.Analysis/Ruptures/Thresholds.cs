namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// The two rupture thresholds, in the clinic's prediction SDs (standardized one-step errors, centred and scaled by the
/// clinic's own null distribution). From a false-alert budget: the budget per 100 rated sessions becomes a tail
/// probability per judged session, shared between the one-session rule and the two-session rule, and each threshold is
/// the normal quantile of its share. The clinic may set either by hand.
/// </summary>
/// <param name="OneSession">A single session this many SDs below its prediction raises a rupture.</param>
/// <param name="TwoSessions">Two sessions in a row whose combined drop is this many SDs of that combined drop.</param>
/// <param name="FromBudget">True when <see cref="OneSession"/> came from the budget, not from a hand-set K.</param>
public sealed record Thresholds(double OneSession, double TwoSessions, bool FromBudget)
{
    /// <summary>
    /// The two-session rule's share of the budget: a quarter, set a priori (most dips are deep enough for the
    /// one-session rule; the pair rule catches the shallower ones that last). Not tuned; see bench/README.md.
    /// </summary>
    public const double TwoSessionShare = 0.25;

    public static Thresholds For(DetectorSettings settings, PredictionModel model)
    {
        // Alerts can only fall on judged sessions, so the per-session tail is the budget over their share.
        var perSession = Math.Clamp(settings.FalseAlertBudget / 100 / Math.Max(0.05, model.JudgedShare), 1e-6, 0.2);
        var one = settings.K ?? StandardNormal.UpperQuantile((1 - TwoSessionShare) * perSession);
        var two = settings.SustainedK ?? StandardNormal.UpperQuantile(TwoSessionShare * perSession);
        return new Thresholds(one, two, settings.K is null);
    }
}
