using System.Globalization;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Api.Export;

/// <summary>Every column of the export, in export order; the writer and the codebook endpoint both use this list.</summary>
public static class Codebook
{
    private const string Empty = "; empty when missing";

    public static IReadOnlyList<CodebookColumn> Columns { get; } = Build();

    private static List<CodebookColumn> Build()
    {
        var columns = new List<CodebookColumn>
        {
            new("patient_id", "string", "32 hex characters",
                "HMAC-SHA256 of the service's internal patient id, first 128 bits in hex. linkable=false (default): keyed with a fresh random key per export, so two exports cannot be joined; linkable=true: keyed with the clinic's stored research key, so repeated exports join. Never the platform's identifier."),
            new("therapist_id", "string", "32 hex characters" + Empty,
                "The same HMAC of the internal therapist id of the session (else the patient's therapist); same key as patient_id."),
            new("session", "integer", "1-10000", "Session number as sent by the platform. Gaps are kept: a missing session has no row."),
            new("days_since_first", "integer", "days, 0 or more" + Empty,
                "Session date minus the date of the patient's first dated session (over all the patient's sessions, before filters). Calendar dates are never output."),
            new("modality", "string", "video, phone, in_person, chat, other" + Empty, "How the session was held, as sent by the platform."),
        };

        foreach (var c in ExportSql.ScoreColumns)
        {
            var i = c.Instrument;
            var range = c.Subscale is null
                ? $"{Number(i.TotalMin)}-{Number(i.TotalMax)} ({(i.Aggregation == Aggregation.Mean ? "item mean" : "total")}; {(i.Direction == ScoreDirection.HigherIsBetter ? "higher is better" : "higher is worse")})"
                : $"{Number(i.ItemMin)}-{Number(i.ItemMax)} (subscale item mean)";
            var what = c.Subscale is null ? $"{i.Name}: score" : $"{i.Name}: {c.Subscale} subscale";
            columns.Add(new(c.Name, "number", range + Empty,
                $"{what} of the client's rating in force (latest revision) in this session; when rated both before and after the session, the instrument's usual timing ({i.DefaultTiming.StoredName()}). {i.Reference}."));
        }

        foreach (var (name, measure) in new[]
                 {
                     ("alliance", $"alliance query parameter, default {InstrumentCatalog.DefaultAlliance.Code}"),
                     ("symptoms", $"symptoms query parameter, default {InstrumentCatalog.DefaultSymptoms.Code}"),
                 })
        {
            // Which estimator of which summary model uses the column (docs/analysis.md, "Short series").
            var asOutcome = ModelCatalog.All.Single(m => m.Outcome == name);
            var asPredictor = ModelCatalog.All.Single(m => m.Predictor == name);
            var initialConditions = new InitialConditionsModel(asOutcome).Name;
            columns.AddRange(
            [
                new(name, "number", "the chosen instrument's score range" + Empty,
                    $"The score of the chosen measure ({measure}); a copy of that instrument's column."),
                new($"{name}_person_mean", "number", "score units" + Empty,
                    $"Mean of {name} over this patient's exported rows where it is present (blank cells skipped), as PersonMeanDecomposition in the analysis engine."),
                new($"{name}_within", "number", "score units" + Empty, $"{name} minus {name}_person_mean."),
                new($"{name}_between", "number", "score units" + Empty,
                    $"{name}_person_mean minus the mean of the person means over the export's patients with at least one {name} (each patient counts once). "
                    + $"The between term of {asPredictor.Name} in both estimators."),
                new($"{name}_lag1", "number", "score units" + Empty,
                    $"{name} at session number − 1 of the same patient; empty when that session is not in the export (never bridged across a gap) or has no {name}. "
                    + $"The carry-over term of {initialConditions} (initial-conditions estimator)."),
                new($"{name}_within_lag1", "number", "score units" + Empty,
                    $"{name}_within at session number − 1, under the same rule as {name}_lag1. The carry-over term of {asOutcome.Name} "
                    + $"(person-mean-centred estimator) and the within-effect term of {asPredictor.Name} in both estimators."),
            ]);
        }

        // Only the alliance kinds: the column is about the chosen alliance measure, where deterioration alerts never are.
        columns.Add(new("alert_kinds", "string", string.Join(", ", new[] { AlertKind.Rupture, AlertKind.LowAlliance, AlertKind.UnnoticedDrop }.Select(k => k.StoredName())) + ", or several separated by ';'" + Empty,
            "Alerts raised at this session on the client's rating of the chosen alliance measure, not withdrawn (their workflow status is not exported). "
            + "unnoticed_drop: a rupture of the client's rating that the therapist's rating of the same session did not register."));
        columns.Add(new("alert_rule_version", "integer", "1 or more" + Empty, "The highest detector rule version among those alerts."));
        foreach (var i in ExportSql.ChangeStatusInstruments)
        {
            var clinical = i.Direction == ScoreDirection.HigherIsWorse ? $"{Number(i.ClinicalCutoff!.Value)} or more" : $"below {Number(i.ClinicalCutoff!.Value)}";
            columns.Add(new(ExportSql.ChangeStatusColumn(i), "string", string.Join(", ", StoredNames.All<ChangeStatus>()) + "; empty at the patient's first rated session and where not rated",
                $"{i.Name}: reliable change (Jacobson & Truax 1991) from the patient's first rated session (over all sessions, before filters) to this one. "
                + $"Reliable: a change of at least {Number(i.ReliableChange!.Value)} points ({i.ReliableChangeSource}); clinical range: {clinical} ({i.ClinicalCutoffSource}); "
                + "recovered: reliably improved from the clinical range to outside it. The patient's status on the measure is the one at their last rated row."));
        }
        AddAgreement(columns);
        return columns;
    }

    /// <summary>The therapist's ratings of the same sessions and the discrepancy on the chosen alliance measure (issue 17).</summary>
    private static void AddAgreement(List<CodebookColumn> columns)
    {
        foreach (var form in ExportSql.TherapistRatedForms)
        {
            var forms = TherapistForms.Of(form.Code).Select(c => InstrumentCatalog.Find(c)!).ToList();
            var which = forms.Count > 1
                ? $"the therapist's {forms[0].Name} ({forms[0].Reference}), else the {form.Name} filled in by the therapist"
                : $"the {form.Name} filled in by the therapist";
            columns.Add(new(ExportSql.TherapistColumn(form), "number", $"{Number(form.TotalMin)}-{Number(form.TotalMax)} (the scale of {ExportSql.ScoreColumns.First(c => c.Instrument == form).Name})" + Empty,
                $"The therapist's rating of this session opposite the client's {ExportSql.ScoreColumns.First(c => c.Instrument == form).Name}: {which}, "
                + "latest revision, usual timing; on the client form's scale, so the two compare point for point."));
        }

        var allowed = string.Join(", ", ExportSql.TherapistRatedForms.Select(f => f.Code));
        columns.AddRange(
        [
            new("alliance_therapist", "number", "the chosen instrument's score range" + Empty,
                $"The therapist's rating of this session opposite alliance: a copy of that measure's _therapist column ({allowed}; empty for any other alliance measure)."),
            new("alliance_discrepancy", "number", "score units" + Empty,
                "alliance_therapist minus alliance: negative when the therapist rated the alliance lower than the client. Empty unless both rated the session."),
            new("alliance_discrepancy_sds", "number", "within-patient SDs" + Empty,
                "alliance_discrepancy divided by the clinic's within-patient SD of the client's ratings of the chosen measure (its latest detector calibration, "
                + "else the instrument's documented default), so a discrepancy reads against how much one patient's ratings usually move. "
                + "For agreement as a predictor, fit the response surface on the two ratings rather than this difference (Edwards 1994)."),
        ]);
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("# AllianceMonitor export codebook\n\n");
        text.Append("One row per patient-session that passes the filters, ordered by patient and session. CSV: comma-separated, header row, ")
            .Append("numbers with '.' as decimal point in shortest round-trip form, an empty cell is a missing value. JSONL: one JSON object per line with the same names, null for missing.\n\n");
        text.Append("| column | type | unit or range | derivation |\n|---|---|---|---|\n");
        foreach (var c in Columns)
        {
            text.Append($"| `{c.Name}` | {c.Type} | {Escape(c.Range)} | {Escape(c.Derivation)} |\n");
        }

        return text.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
