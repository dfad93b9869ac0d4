using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Export;

/// <summary>The engine's effects report (snake_case, as the CLI prints it) in the API's camelCase records.</summary>
public static class EffectsMapping
{
    public static EffectsResponse ToResponse(EffectsReport report) => new(
        report.Modality is { } m ? Moderation(m) : null,
        new TherapistSharesResponse(report.TherapistShares.MinTherapists, Share(report.TherapistShares.Alliance), Share(report.TherapistShares.Symptoms)),
        report.Reasons);

    private static ModalityModerationResponse Moderation(ModalityReport m) => new(
        m.Model, m.Reference, m.ObservationCount, m.PatientCount, m.Method, m.Converged, m.Singular, m.MinPairsPerModality,
        m.Levels.Select(e => new ModalityEffectResponse(e.Modality, e.Reference, e.Pairs, e.Estimate, e.StdError, e.CiLow, e.CiHigh, e.Interval)).ToList(),
        m.Suppressed.Select(s => new SuppressedModalityResponse(s.Modality, s.Pairs, s.Reason)).ToList(),
        m.Contrasts.Select(c => new ModalityContrastResponse(
            c.Modality, c.Versus, c.Estimate, c.StdError, c.Z, c.PValue, c.AdjustedPValue, c.CiLow, c.CiHigh, c.Interval, c.Adjustment)).ToList(),
        m.OverallTest is { } t ? new LikelihoodRatioTestResponse(t.Df, t.ChiSquare, t.PValue, Check(t.Full), Check(t.Reduced)) : null);

    private static FitCheckResponse Check(FitCheckReport f) => new(f.Method, f.LogLikelihood, f.Converged, f.Singular);

    private static TherapistShareResponse? Share(TherapistShareReport? s) => s is null ? null : new(
        s.Formula, s.Method, s.TherapistCount, s.PatientCount, s.ObservationCount, s.TherapistVariance, s.PatientVariance, s.WithinVariance,
        s.Share, s.CiLow, s.CiHigh, s.TherapistSdCiLow, s.TherapistSdCiHigh, s.Interval, s.Converged, s.Singular);
}
