namespace AllianceMonitor.Analysis.Simulation;

/// <summary>
/// Known parameters of the simulated clinic. Alliance is on the WAI-SR item-mean scale (1-5, in
/// steps of 1/12, clamped at the ceiling); symptoms are PHQ-9 totals (integers 0-27).
/// </summary>
/// <param name="AllianceMean">Mean of the patients' true mean alliance.</param>
/// <param name="AllianceBetweenSd">SD of the patients' true mean alliance.</param>
/// <param name="AllianceWithinSd">Stationary SD of the session-to-session alliance noise.</param>
/// <param name="AllianceAutocorrelation">Lag-1 autocorrelation (AR(1)) of the alliance noise.</param>
/// <param name="SymptomsToAllianceEffect">Within-patient effect of the symptoms deviation at t on alliance at t + 1, per PHQ-9 point.</param>
/// <param name="SymptomsStartMean">Mean PHQ-9 at session 1.</param>
/// <param name="SymptomsStartSd">SD of the PHQ-9 at session 1 between patients.</param>
/// <param name="ImprovementPerSession">Mean PHQ-9 decrease per session.</param>
/// <param name="ImprovementSd">Between-patient SD of the per-session decrease.</param>
/// <param name="WithinEffect">Mean within-patient effect of alliance at t (deviation from the patient's mean) on PHQ-9 at t + 1, per alliance point.</param>
/// <param name="WithinEffectSd">Between-patient SD of that effect (the random slope).</param>
/// <param name="BetweenEffect">Effect of the patient's mean alliance (deviation from <paramref name="AllianceMean"/>) on PHQ-9 level.</param>
/// <param name="SymptomsNoiseSd">SD of the PHQ-9 session noise before rounding.</param>
/// <param name="MinSessions">Fewest sessions a patient is scheduled for.</param>
/// <param name="MaxSessions">Most sessions a patient is scheduled for.</param>
/// <param name="MissingSessionRate">Probability that a session after the first is absent altogether.</param>
/// <param name="MissingValueRate">Probability that one rating of a present session is blank.</param>
/// <param name="RuptureRate">Share of patients with one injected rupture-repair sequence.</param>
/// <param name="RuptureDepthMinSds">Smallest dip, in within-patient SDs.</param>
/// <param name="RuptureDepthMaxSds">Largest dip, in within-patient SDs.</param>
/// <param name="PatientsPerTherapist">Caseload used to assign therapist ids.</param>
/// <param name="TherapistSymptomsSd">SD of the therapists' effect on their patients' PHQ-9 level (therapist effects).</param>
/// <param name="SymptomsCarryOver">
/// Carry-over of symptoms: the share of the observed PHQ-9's deviation from the patient's expected course at t that
/// persists at t + 1 (0: none, the default). A known autoregression for checking the lagged models' carry-over.
/// </param>
/// <param name="TherapistAllianceSd">
/// SD of the therapists' effect on their patients' true mean alliance (0: none, the default): some therapists form better
/// alliances across their caseload. Drawn from its own random stream, so every other draw stays as without it.
/// </param>
/// <param name="TherapistAllianceEffect">
/// Effect on PHQ-9 level of the therapist's alliance offset, per alliance point; null (the default): the same as
/// <paramref name="BetweenEffect"/>. <paramref name="BetweenEffect"/> then applies to the patient's own deviation only, so the
/// alliance split three ways has known therapist and patient parts.
/// </param>
/// <param name="TherapistRatings">
/// Also simulate the therapist's rating of the alliance at every session (<see cref="Data.SessionObservation.TherapistAlliance"/>),
/// drawn from its own random stream so that the client's ratings and the symptoms of a seed do not change (unless the two
/// symptom effects below are non-zero). Off by default.
/// </param>
/// <param name="TherapistRatingOffset">Mean of therapist minus client rating, in WAI-SR points (therapists rate lower).</param>
/// <param name="TherapistRatingTracking">
/// Share of the client's within-patient deviation at a session (session noise and rupture dips) that the therapist's rating
/// carries: 1 registers every dip in full, 0 none; therapists miss part of the client's dips.
/// </param>
/// <param name="TherapistRatingLevelShare">
/// Share of the patient's true alliance level (its deviation from <paramref name="AllianceMean"/>) that the therapist's
/// view of the patient carries. Together with <paramref name="TherapistRatingPatientSd"/> it sets the overall client-therapist
/// correlation: the defaults give .35 on a simulated clinic of 1,000 patients (seed 5), near the .36 of Tryon, Blackwell and Hammel's (2007)
/// meta-analysis; with 1 and 0 the therapist sees every patient's level and the correlation is about .9.
/// </param>
/// <param name="TherapistRatingPatientSd">SD of the therapist's own view of each patient's level (one draw per patient).</param>
/// <param name="TherapistRatingNoiseSd">SD of the therapist's own session noise (independent of the client's).</param>
/// <param name="TherapistRatingEffect">
/// Within-patient effect of the therapist's rating at t (deviation from the patient's mean therapist rating) on PHQ-9 at t + 1, per
/// point: b2 of the agreement model (0 by default).
/// </param>
/// <param name="DisagreementEffect">
/// Effect of the squared client-minus-therapist difference at t on PHQ-9 at t + 1, per squared point (0 by default). In the
/// agreement model it is b3 = k, b4 = -2k, b5 = k, so a2 = 0 and a4 = 4k: symptoms rise with disagreement in either direction.
/// </param>
public sealed record SimulationParameters(
    double AllianceMean = 4.2,
    double AllianceBetweenSd = 0.45,
    double AllianceWithinSd = 0.25,
    double AllianceAutocorrelation = 0.3,
    double SymptomsToAllianceEffect = -0.02,
    double SymptomsStartMean = 14,
    double SymptomsStartSd = 4,
    double ImprovementPerSession = 0.5,
    double ImprovementSd = 0.2,
    double WithinEffect = -2.0,
    double WithinEffectSd = 0.5,
    double BetweenEffect = -3.0,
    double SymptomsNoiseSd = 2.0,
    int MinSessions = 6,
    int MaxSessions = 18,
    double MissingSessionRate = 0.03,
    double MissingValueRate = 0.01,
    double RuptureRate = 0.12,
    double RuptureDepthMinSds = 2.5,
    double RuptureDepthMaxSds = 3.5,
    int PatientsPerTherapist = 25,
    double TherapistSymptomsSd = 1.0,
    double SymptomsCarryOver = 0,
    double TherapistAllianceSd = 0,
    double? TherapistAllianceEffect = null,
    bool TherapistRatings = false,
    double TherapistRatingOffset = -0.3,
    double TherapistRatingTracking = 0.5,
    double TherapistRatingNoiseSd = 0.2,
    double TherapistRatingLevelShare = 0.3,
    double TherapistRatingPatientSd = 0.4,
    double TherapistRatingEffect = 0,
    double DisagreementEffect = 0);
