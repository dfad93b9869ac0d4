using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>One part of the alliance split: its coefficient with a 95% Wald interval.</summary>
public sealed record SplitComponent(string Term, double Estimate, double StdError, double CiLow, double CiHigh)
{
    public bool ExcludesZero => CiLow > 0 || CiHigh < 0;
}

/// <summary>The three-way split fitted: the model, its three parts, and therapist minus patient with its interval.</summary>
/// <param name="TherapistMinusPatient">b_therapist − b_patient, SE from the fixed-effects covariance: do the two parts differ?</param>
/// <param name="Therapists">Therapists in the model frame: the therapist part rests on one mean per therapist.</param>
public sealed record AllianceSplitResult(
    MixedModelFit Fit, SplitComponent Therapist, SplitComponent Patient, SplitComponent Session, SplitComponent TherapistMinusPatient,
    int Therapists);

/// <summary>
/// Next-session symptoms on the alliance split three ways (Baldwin, Wampold &amp; Imel 2007; Del Re et al. 2012, 2021):
/// the therapist's mean, the patient's mean within the therapist, and the session within the patient, with patients
/// nested in therapists. In lme4:
/// <c>symptoms_next ~ alliance_therapist + alliance_patient + alliance_within + symptoms_within + session
/// + (1 | therapist_id) + (1 + alliance_within | therapist_id:patient_id)</c>.
/// <para>
/// With Ā_i the patient's person mean (all their rated sessions, as everywhere), T_j the mean of the person means of the
/// patients therapist j has rated sessions with (each patient once) and T̄ the mean of the T_j (each therapist once):
/// <c>alliance_therapist = T_j − T̄</c>, <c>alliance_patient = Ā_i − T_j</c>, <c>alliance_within = A_it − Ā_i</c>; j is the
/// therapist of session t. The first two add up to <c>alliance_between</c> up to a constant, so the nested
/// <c>alliance_to_symptoms</c> model is this one with the two coefficients forced equal.
/// </para>
/// </summary>
public static class AllianceSplit
{
    public const string Name = "alliance_to_symptoms_split";
    public const string TherapistTerm = "alliance_therapist";
    public const string PatientTerm = "alliance_patient";
    public const string SessionTerm = "alliance_within";

    public const string Formula =
        "symptoms_next ~ alliance_therapist + alliance_patient + alliance_within + symptoms_within + session"
        + " + (1 | therapist_id) + (1 + alliance_within | therapist_id:patient_id)";

    private const string Response = "symptoms_next";
    private const string OutcomeWithin = "symptoms_within";

    /// <exception cref="InsufficientDataException">Fewer than 3 therapists or 3 patients, or too few complete lag pairs.</exception>
    public static AllianceSplitResult Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method) =>
        Fit(observations, method, out _);

    /// <param name="fitSeconds">Wall time of the fit alone (without building the frame).</param>
    /// <exception cref="InsufficientDataException">Fewer than 3 therapists or 3 patients, or too few complete lag pairs.</exception>
    public static AllianceSplitResult Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method, out double fitSeconds)
    {
        var spec = Build(observations, out var therapists);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fit = MixedModelFitter.Fit(spec, method);
        fitSeconds = clock.Elapsed.TotalSeconds;
        var index = spec.FixedTerms.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var t = index[TherapistTerm];
        var p = index[PatientTerm];
        var v = fit.FixedEffectsCovariance;
        var difference = fit.FixedEffects[t].Estimate - fit.FixedEffects[p].Estimate;
        var differenceSe = Math.Sqrt(Math.Max(0, v[t][t] + v[p][p] - (2 * v[t][p])));
        return new AllianceSplitResult(
            fit,
            Component(fit.Fixed(TherapistTerm)),
            Component(fit.Fixed(PatientTerm)),
            Component(fit.Fixed(SessionTerm)),
            new SplitComponent($"{TherapistTerm} - {PatientTerm}", difference, differenceSe, difference - (Z975 * differenceSe), difference + (Z975 * differenceSe)),
            therapists);
    }

    /// <summary>The model frame; pairs whose session t has no therapist are dropped, as lme4 drops a missing grouping factor.</summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 therapists or 3 patients, or too few complete lag pairs.</exception>
    public static MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations, out int therapists)
    {
        var alliance = PersonMeanDecomposition.Of(observations, o => o.Alliance);
        var symptoms = PersonMeanDecomposition.Of(observations, o => o.Symptoms);
        var therapistMeans = TherapistMeans(observations, alliance);
        var grand = therapistMeans.Count == 0 ? double.NaN : therapistMeans.Values.Average();
        var rows = new List<(double Y, double Therapist, double Patient, double Within, double SymptomsWithin, int Session, string TherapistId, string PatientId)>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            if (pair.Current.TherapistId is not { } therapist
                || pair.Next.Symptoms is not double y
                || alliance.Within(patient, pair.Current.Alliance) is not double within
                || symptoms.Within(patient, pair.Current.Symptoms) is not double symptomsWithin
                || !therapistMeans.TryGetValue(therapist, out var therapistMean))
            {
                continue;
            }

            var patientMean = alliance.PersonMeans[patient];
            rows.Add((y, therapistMean - grand, patientMean - therapistMean, within, symptomsWithin, pair.Current.Session, therapist, patient));
        }

        therapists = rows.Select(r => r.TherapistId).Distinct(StringComparer.Ordinal).Count();
        var patients = rows.Select(r => r.PatientId).Distinct(StringComparer.Ordinal).Count();
        if (therapists < 3 || patients < 3 || rows.Count <= 7)
        {
            throw new InsufficientDataException(
                $"Model {Name} has {rows.Count} complete lag pairs from {patients} patients and {therapists} therapists; "
                + "it needs more than 7 pairs, at least 3 patients and at least 3 therapists.");
        }

        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        var withinColumn = rows.Select(r => r.Within).ToArray();
        return MixedModelSpec.Adopt(
            Response,
            rows.Select(r => r.Y).ToArray(),
            [
                (LaggedModelDefinition.Intercept, ones),
                (TherapistTerm, rows.Select(r => r.Therapist).ToArray()),
                (PatientTerm, rows.Select(r => r.Patient).ToArray()),
                (SessionTerm, withinColumn),
                (OutcomeWithin, rows.Select(r => r.SymptomsWithin).ToArray()),
                ("session", rows.Select(r => (double)r.Session).ToArray()),
            ],
            [
                new RandomEffectTermData(
                    LaggedModelDefinition.TherapistPatientGroupName,
                    NestedGroupKeys.Of(rows, r => r.TherapistId, r => r.PatientId),
                    [(LaggedModelDefinition.Intercept, ones), (SessionTerm, withinColumn)]),
                new RandomEffectTermData(LaggedModelDefinition.TherapistGroupName, rows.Select(r => r.TherapistId).ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
            ],
            copy: false);
    }

    /// <summary>T_j: the mean of the person means of the patients with a rated session with therapist j, each patient once.</summary>
    private static Dictionary<string, double> TherapistMeans(IReadOnlyCollection<SessionObservation> observations, PersonMeanDecomposition alliance)
    {
        var patientsOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var o in observations)
        {
            if (o.TherapistId is { } therapist && o.Alliance is not null)
            {
                if (!patientsOf.TryGetValue(therapist, out var set))
                {
                    patientsOf[therapist] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(o.PatientId);
            }
        }

        return patientsOf.ToDictionary(kv => kv.Key, kv => kv.Value.Average(p => alliance.PersonMeans[p]), StringComparer.Ordinal);
    }

    private const double Z975 = 1.959963984540054;

    private static SplitComponent Component(FixedEffect f) => new(f.Term, f.Estimate, f.StdError, f.CiLow, f.CiHigh);
}
