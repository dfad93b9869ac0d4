using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Analysis.Simulation;

/// <summary>A session inside an injected rupture-repair dip.</summary>
public sealed record RuptureSession(string PatientId, int Session);

/// <param name="ExpectedAlliance">
/// Each patient's latent expected alliance outside a dip: the mean of their true level plus session noise, clamped to
/// the scale as observed ratings are. What an oracle detector would judge a dip against.
/// </param>
public sealed record SimulatedData(
    IReadOnlyList<SessionObservation> Observations,
    IReadOnlyList<RuptureSession> Ruptures,
    SimulationParameters Parameters,
    IReadOnlyDictionary<string, double> ExpectedAlliance);

/// <summary>Deterministic generator of session data with known parameters (see <see cref="SimulationParameters"/>).</summary>
public static class SessionSimulator
{
    private const double WaiSrStep = 1.0 / 12;

    public static SimulatedData Simulate(int patients, ulong seed, SimulationParameters? parameters = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(patients, 1);
        var p = parameters ?? new SimulationParameters();
        var random = new Xoshiro256StarStar(seed);
        // A separate stream, so adding therapists leaves every patient's own draws unchanged.
        var therapistRandom = new Xoshiro256StarStar(seed ^ 0x5448455241504953UL);
        // A third stream for the therapists' alliance offsets, so a clinic without them (the default) draws exactly as before.
        var therapistAllianceRandom = new Xoshiro256StarStar(seed ^ 0x414C4C49414E4345UL);
        // The therapist's ratings draw from a third stream, and only when asked for: every existing seed keeps its output.
        var raterRandom = p.TherapistRatings ? new Xoshiro256StarStar(seed ^ 0x5241544552544852UL) : null;
        var therapistEffect = 0.0;
        var therapistAlliance = 0.0;
        var observations = new List<SessionObservation>();
        var ruptures = new List<RuptureSession>();
        var expected = new Dictionary<string, double>(StringComparer.Ordinal);
        var width = Math.Max(5, patients.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        for (var i = 0; i < patients; i++)
        {
            var patientId = "P" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
            var therapistId = "T" + ((i / p.PatientsPerTherapist) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4, '0');
            if (i % p.PatientsPerTherapist == 0)
            {
                therapistEffect = p.TherapistSymptomsSd * therapistRandom.NextNormal();
                therapistAlliance = p.TherapistAllianceSd * therapistAllianceRandom.NextNormal();
            }

            var trueMean = SimulatePatient(random, raterRandom, p, patientId, therapistId, therapistEffect, therapistAlliance, observations, ruptures);
            expected[patientId] = ClampedNormalMean(trueMean, p.AllianceWithinSd, 1, 5);
        }

        return new SimulatedData(observations, ruptures, p, expected);
    }

    /// <summary>E[clamp(X, low, high)] for X ~ N(mean, sd^2).</summary>
    internal static double ClampedNormalMean(double mean, double sd, double low, double high)
    {
        static double Excess(double distance, double sd) =>
            (distance * NormalCdf(distance / sd)) + (sd * Math.Exp(-0.5 * (distance / sd) * (distance / sd)) / Math.Sqrt(2 * Math.PI));
        return mean - Excess(mean - high, sd) + Excess(low - mean, sd);
    }

    /// <summary>Standard normal CDF (Abramowitz &amp; Stegun 7.1.26, absolute error below 1.5e-7).</summary>
    internal static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * x));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var erf = 1 - (polynomial * Math.Exp(-x * x));
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }

    /// <returns>The patient's true mean alliance.</returns>
    private static double SimulatePatient(
        Xoshiro256StarStar random,
        Xoshiro256StarStar? raterRandom,
        SimulationParameters p,
        string patientId,
        string therapistId,
        double therapistEffect,
        double therapistAlliance,
        List<SessionObservation> observations,
        List<RuptureSession> ruptures)
    {
        var sessions = random.NextInt(p.MinSessions, p.MaxSessions);
        var trueMeanAlliance = p.AllianceMean + (p.AllianceBetweenSd * random.NextNormal());
        var startSymptoms = p.SymptomsStartMean + (p.SymptomsStartSd * random.NextNormal());
        var improvement = p.ImprovementPerSession + (p.ImprovementSd * random.NextNormal());
        var withinEffect = p.WithinEffect + (p.WithinEffectSd * random.NextNormal());
        var level = startSymptoms + therapistEffect + (p.BetweenEffect * (trueMeanAlliance - p.AllianceMean));
        if (therapistAlliance != 0)
        {
            // Only when set: the arithmetic of a clinic without therapist alliance offsets stays exactly as it was.
            trueMeanAlliance += therapistAlliance;
            level += (p.TherapistAllianceEffect ?? p.BetweenEffect) * therapistAlliance;
        }

        var dip = new double[sessions + 1];
        if (sessions >= 5 && random.Chance(p.RuptureRate))
        {
            var start = random.NextInt(3, sessions - 2);
            var length = random.NextInt(1, 2);
            var depth = p.RuptureDepthMinSds + ((p.RuptureDepthMaxSds - p.RuptureDepthMinSds) * random.NextDouble());
            for (var t = start; t < start + length; t++)
            {
                dip[t] = depth * p.AllianceWithinSd;
            }
        }

        // The therapist's view of this patient's level: part of the true level plus the therapist's own reading of the
        // patient, so therapist and client agree across patients only moderately, as in the literature.
        var therapistView = raterRandom is null
            ? trueMeanAlliance
            : p.AllianceMean + (p.TherapistRatingLevelShare * (trueMeanAlliance - p.AllianceMean)) + (p.TherapistRatingPatientSd * raterRandom.NextNormal());
        var innovationSd = p.AllianceWithinSd * Math.Sqrt(1 - (p.AllianceAutocorrelation * p.AllianceAutocorrelation));
        var noise = p.AllianceWithinSd * random.NextNormal();
        var symptoms = level + (p.SymptomsNoiseSd * random.NextNormal());
        for (var t = 1; t <= sessions; t++)
        {
            if (t > 1)
            {
                noise = (p.AllianceAutocorrelation * noise) + (innovationSd * random.NextNormal());
            }

            var expectedSymptoms = level - (improvement * (t - 1));
            var alliance = Math.Clamp(
                Math.Round((trueMeanAlliance + noise - dip[t]) / WaiSrStep) * WaiSrStep,
                1,
                5);
            var phq = Math.Clamp(Math.Round(symptoms), 0, 27);
            (double Rating, bool Missing)? therapist = raterRandom is null ? null : TherapistRating(raterRandom, p, therapistView, noise - dip[t]);

            var present = t == 1 || !random.Chance(p.MissingSessionRate);
            if (present)
            {
                observations.Add(new SessionObservation(
                    patientId,
                    therapistId,
                    t,
                    random.Chance(p.MissingValueRate) ? null : alliance,
                    random.Chance(p.MissingValueRate) ? null : phq,
                    therapist is { Missing: false } ? therapist.Value.Rating : null));
                if (dip[t] > 0)
                {
                    ruptures.Add(new RuptureSession(patientId, t));
                }
            }

            // Next session: the lagged within-patient effects act on the deviations at t.
            symptoms = expectedSymptoms - improvement
                + (p.SymptomsCarryOver * (phq - expectedSymptoms))
                + (withinEffect * (alliance - trueMeanAlliance))
                + (p.SymptomsNoiseSd * random.NextNormal());
            if (therapist is { Rating: var rating } && (p.TherapistRatingEffect != 0 || p.DisagreementEffect != 0))
            {
                // Unrecorded ratings act too: the therapist formed the view, only the form is missing.
                symptoms += (p.TherapistRatingEffect * (rating - (trueMeanAlliance + p.TherapistRatingOffset)))
                    + (p.DisagreementEffect * (alliance - rating) * (alliance - rating));
            }

            noise += p.SymptomsToAllianceEffect * (phq - expectedSymptoms);
        }

        return trueMeanAlliance;
    }

    /// <summary>
    /// The therapist's rating of one session: the therapist's view of the patient's level lowered by the offset, a share of the client's
    /// within-patient deviation (<paramref name="clientDeviation"/>, dips included), and the therapist's own noise, on the
    /// client's 1-5 scale in WAI-SR steps. Two draws per session from the rater stream, whether or not the session is present.
    /// </summary>
    private static (double Rating, bool Missing) TherapistRating(
        Xoshiro256StarStar raterRandom, SimulationParameters p, double therapistView, double clientDeviation)
    {
        var latent = therapistView + p.TherapistRatingOffset + (p.TherapistRatingTracking * clientDeviation)
            + (p.TherapistRatingNoiseSd * raterRandom.NextNormal());
        var rating = Math.Clamp(Math.Round(latent / WaiSrStep) * WaiSrStep, 1, 5);
        return (rating, raterRandom.Chance(p.MissingValueRate));
    }
}
