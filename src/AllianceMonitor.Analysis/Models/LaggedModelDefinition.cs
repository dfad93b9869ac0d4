using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// A cross-lagged model: the outcome at session t + 1 regressed on the predictor's within- and
/// between-patient parts at t, the outcome's own within-patient part at t and the session number t,
/// with a random intercept and a random within-patient predictor slope per patient.
/// </summary>
/// <param name="Name">Stable model name used in reports.</param>
/// <param name="Predictor">Variable whose lagged effect is estimated: "alliance" or "symptoms".</param>
/// <param name="Outcome">Variable predicted at the next session: "alliance" or "symptoms".</param>
public sealed record LaggedModelDefinition(string Name, string Predictor, string Outcome)
{
    public const string GroupName = "patient_id";

    /// <summary>The outer grouping factor of the nested models (patients within therapists).</summary>
    public const string TherapistGroupName = "therapist_id";

    /// <summary>The inner grouping factor of the nested models: a patient seen by two therapists is two groups, as in lme4.</summary>
    public const string TherapistPatientGroupName = "therapist_id:patient_id";

    public const string Intercept = "(Intercept)";

    public string Response => $"{Outcome}_next";

    public string PredictorWithin => $"{Predictor}_within";

    public string PredictorBetween => $"{Predictor}_between";

    public string OutcomeWithin => $"{Outcome}_within";

    public IReadOnlyList<string> FixedTerms => [Intercept, PredictorWithin, PredictorBetween, OutcomeWithin, "session"];

    public IReadOnlyList<string> RandomTerms => [Intercept, PredictorWithin];

    public string Formula =>
        $"{Response} ~ {PredictorWithin} + {PredictorBetween} + {OutcomeWithin} + session + (1 + {PredictorWithin} | {GroupName})";

    internal static double? Select(SessionObservation row, string variable) => variable switch
    {
        "alliance" => row.Alliance,
        "symptoms" => row.Symptoms,
        _ => throw new ArgumentException($"Unknown variable '{variable}'.", nameof(variable)),
    };
}
