namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The client-therapist agreement model: a multilevel polynomial regression (Edwards 1994; Shanock et al. 2010) of
/// next-session symptoms on the client's (X) and the therapist's (Y) alliance rating of session t, their squares and
/// their product, with a random intercept per patient:
/// <c>symptoms_next ~ b1 X + b2 Y + b3 X^2 + b4 XY + b5 Y^2 + alliance_between + symptoms_within + session + (1 | patient_id)</c>.
/// </summary>
/// <remarks>
/// X and Y are centred on one value per patient, common to both raters: the mean of both raters' ratings over the patient's
/// sessions that both rated. Centring each rater on their own mean would move the line of agreement (therapists rate lower),
/// and the surface would no longer describe "client and therapist rate the same"; a common centre keeps X = Y meaning exactly
/// that, while removing the patient's level (its between-patient part enters as <c>alliance_between</c>).
/// </remarks>
public static class AgreementModel
{
    public const string Name = "agreement";

    /// <summary>Fewer complete lag pairs with both ratings at session t than this, and nothing is reported (the summary's rule).</summary>
    public const int DefaultMinPairs = 50;

    public const string Response = "symptoms_next";

    public const string Client = "client_alliance_within";

    public const string Therapist = "therapist_alliance_within";

    /// <summary>The quadratic terms named as lme4 names them, so the fixtures compare term by term.</summary>
    public const string ClientSquared = $"I({Client}^2)";

    public const string Product = $"{Client}:{Therapist}";

    public const string TherapistSquared = $"I({Therapist}^2)";

    public const string Between = "alliance_between";

    public const string SymptomsWithin = "symptoms_within";

    public const string Session = "session";

    public static IReadOnlyList<string> FixedTerms { get; } =
        [LaggedModelDefinition.Intercept, Client, Therapist, ClientSquared, Product, TherapistSquared, Between, SymptomsWithin, Session];

    public static string Formula =>
        $"{Response} ~ {Client} + {Therapist} + {ClientSquared} + {Product} + {TherapistSquared} + {Between} + {SymptomsWithin} + {Session}"
        + $" + (1 | {LaggedModelDefinition.GroupName})";
}
