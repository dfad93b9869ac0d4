using System.Globalization;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The one query behind the export and the summary: one row per patient-session of the clinic that passes the
/// filters, in patient and session order, with the person-mean decomposition of the chosen alliance and symptom
/// measures computed by the database exactly as <c>PersonMeanDecomposition</c> defines it, over the rows returned.
/// PostgreSQL sorts and aggregates (spilling to disk when it must); the service reads one row at a time.
/// </summary>
public static class ExportSql
{
    /// <summary>An instrument score column: the export name, the instrument, and the subscale (null for the total).</summary>
    public sealed record ScoreColumn(string Name, InstrumentDefinition Instrument, string? Subscale);

    public static IReadOnlyList<ScoreColumn> ScoreColumns { get; } = InstrumentCatalog.All
        .SelectMany(i => new[] { new ScoreColumn(ColumnName(i.Code), i, null) }
            .Concat(i.Subscales.Select(s => new ScoreColumn($"{ColumnName(i.Code)}_{s.Name}", i, s.Name))))
        .ToArray();

    /// <summary>Ordinals of the fixed columns that follow the score columns.</summary>
    public const int PatientOrdinal = 0, TherapistOrdinal = 1, SessionOrdinal = 2, DayOrdinal = 3, ModalityOrdinal = 4, ScoresOrdinal = 5;

    public static int AllianceOrdinal => ScoresOrdinal + ScoreColumns.Count;

    /// <summary>The measures with a change-status column, in column order (after the alert columns).</summary>
    public static IReadOnlyList<InstrumentDefinition> ChangeStatusInstruments => InstrumentCatalog.WithReliableChange;

    public static string ChangeStatusColumn(InstrumentDefinition instrument) => ColumnName(instrument.Code) + "_change_status";

    private static string ColumnName(string code) => code.Replace('-', '_');

    /// <summary>The client alliance forms with a therapist-rating column (after the change statuses), in column order.</summary>
    public static IReadOnlyList<InstrumentDefinition> TherapistRatedForms => TherapistForms.ClientForms;

    public static string TherapistColumn(InstrumentDefinition clientForm) => ColumnName(clientForm.Code) + "_therapist";

    /// <summary>The numeric columns after the therapist ratings: the chosen measure's therapist rating and the discrepancy in points and in SDs.</summary>
    public const int AgreementNumbers = 3;

    /// <summary>The ordinal of <c>alliance_therapist</c>: after the alert columns, the change statuses and the therapist-rating columns.</summary>
    public static int AllianceTherapistOrdinal => AllianceOrdinal + 12 + 2 + ChangeStatusInstruments.Count + TherapistRatedForms.Count;

    /// <summary>
    /// The clinic's within-patient SD of the client's ratings of <c>@alliance</c>: its latest detector calibration, else
    /// the instrument's documented default, as the live detector takes it. The unit of <c>alliance_discrepancy_sds</c>.
    /// </summary>
    public static string WithinSdExpression { get; } = $"""
        coalesce(
                    (SELECT c.within_sd FROM calibrations c WHERE c.clinic_id = @clinic AND c.instrument = @alliance AND c.rater = '{Rater.Client.StoredName()}' ORDER BY c.version DESC LIMIT 1),
                    CASE @alliance {string.Join(" ", InstrumentCatalog.Alliance.Select(i => $"WHEN '{i.Code}' THEN {Number(i.DefaultCalibration!.WithinSd)}"))} END)
        """;

    /// <summary>
    /// Therapist rows keep their own instrument key inside the query (<c>wai-sr-t/therapist</c>), so the client score
    /// columns' filters stay as they were and one scan of the measurements serves both raters.
    /// </summary>
    private const string TherapistSuffix = "/therapist";

    /// <summary>
    /// The query text with the default filters written in as literals, for <c>COPY (...) TO STDOUT</c> in the export
    /// benchmark and for anyone who wants to read the definitions as SQL (<c>AllianceMonitor.Api print-export-sql CLINIC</c>).
    /// </summary>
    public static string Literal(Guid clinicId)
    {
        var sql = Text();
        foreach (var (name, value) in new[]
        {
            ("@clinic", $"'{clinicId}'::uuid"), ("@alliance", $"'{ExportFilter.DefaultAlliance}'"), ("@symptoms", $"'{ExportFilter.DefaultSymptoms}'"),
            ("@instrument", "NULL"), ("@modality", "NULL"), ("@from", "NULL"), ("@to", "NULL"), ("@min", "1"),
        })
        {
            sql = sql.Replace(name, value, StringComparison.Ordinal);
        }

        return sql;
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, Guid clinicId, ExportFilter filter)
    {
        var command = new NpgsqlCommand(Text(), connection) { CommandTimeout = 0 };
        command.Parameters.Add(new NpgsqlParameter("clinic", NpgsqlDbType.Uuid) { Value = clinicId });
        command.Parameters.Add(new NpgsqlParameter("alliance", NpgsqlDbType.Text) { Value = filter.Alliance });
        command.Parameters.Add(new NpgsqlParameter("symptoms", NpgsqlDbType.Text) { Value = filter.Symptoms });
        command.Parameters.Add(new NpgsqlParameter("instrument", NpgsqlDbType.Text) { Value = (object?)filter.Instrument ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("modality", NpgsqlDbType.Text) { Value = (object?)filter.Modality ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Date) { Value = (object?)filter.From ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Date) { Value = (object?)filter.To ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("min", NpgsqlDbType.Bigint) { Value = (long)(filter.MinSessions ?? 1) });
        return command;
    }

    private static string Text()
    {
        var scores = new StringBuilder();
        foreach (var c in ScoreColumns)
        {
            var value = c.Subscale is null ? "total" : $"(subscales->>'{c.Subscale}')::double precision";
            scores.Append($",\n        max({value}) FILTER (WHERE instrument = '{c.Instrument.Code}') AS {c.Name}");
        }

        var defaultTiming = string.Join(" ", InstrumentCatalog.All.Select(i => $"WHEN '{i.Code}' THEN '{i.DefaultTiming.StoredName()}'"));
        var scoreList = string.Join(", ", ScoreColumns.Select(c => "k." + c.Name));
        var therapistCodes = string.Join(", ", TherapistRatedForms.SelectMany(i => TherapistForms.Of(i.Code)).Distinct().Select(c => $"'{c}'"));
        var therapistPivot = new StringBuilder();
        foreach (var form in TherapistRatedForms)
        {
            // The form's own therapist version first (WAI-SR-T for the WAI-SR), then the same form rated by the therapist.
            var preferred = string.Join(", ", TherapistForms.Of(form.Code).Select(c => $"max(total) FILTER (WHERE instrument = '{c}{TherapistSuffix}')"));
            therapistPivot.Append($",\n        coalesce({preferred}) AS {TherapistColumn(form)}");
        }

        var allianceTherapist = string.Join(" ", TherapistRatedForms.Select(f => $"WHEN '{f.Code}' THEN k.{TherapistColumn(f)}"));
        var therapistList = string.Join("", TherapistRatedForms.Select(f => $", k.{TherapistColumn(f)}"));
        var sql = $"""
            WITH scored AS (
                SELECT DISTINCT ON (m.session_id, m.instrument, m.rater) m.session_id,
                    CASE WHEN m.rater = '{Rater.Client.StoredName()}' THEN m.instrument ELSE m.instrument || '{TherapistSuffix}' END AS instrument, m.total, m.subscales
                FROM measurements m
                JOIN sessions s ON s.id = m.session_id
                JOIN patients p ON p.id = s.patient_id
                WHERE p.clinic_id = @clinic AND m.superseded_at IS NULL
                  AND (m.rater = '{Rater.Client.StoredName()}' OR (m.rater = '{Rater.Therapist.StoredName()}' AND m.instrument IN ({therapistCodes})))
                ORDER BY m.session_id, m.instrument, m.rater, (m.timing = CASE m.instrument {defaultTiming} END) DESC
            ),
            pivot AS (
                SELECT session_id{scores},
                    max(total) FILTER (WHERE instrument = @alliance) AS alliance,
                    max(total) FILTER (WHERE instrument = @symptoms) AS symptoms,
                    bool_or(instrument = @instrument) AS has_instrument{therapistPivot}
                FROM scored GROUP BY session_id
            ),
            within AS (
                SELECT {WithinSdExpression} AS sd
            ),
            base AS (
                SELECT s.patient_id AS pid, coalesce(s.therapist_id, p.therapist_id) AS therapist, s.number, s.modality, s.occurred_on,
                    s.occurred_on - min(s.occurred_on) OVER (PARTITION BY s.patient_id) AS day, pv.*
                FROM sessions s
                JOIN patients p ON p.id = s.patient_id
                LEFT JOIN pivot pv ON pv.session_id = s.id
                WHERE p.clinic_id = @clinic
            ),
            filtered AS (
                SELECT *, count(*) OVER (PARTITION BY pid) AS n
                FROM base
                WHERE (@modality::text IS NULL OR modality = @modality)
                  AND (@from::date IS NULL OR occurred_on >= @from)
                  AND (@to::date IS NULL OR occurred_on <= @to)
                  AND (@instrument::text IS NULL OR has_instrument)
            ),
            kept AS (
                SELECT *, avg(alliance) OVER (PARTITION BY pid) AS a_pm, avg(symptoms) OVER (PARTITION BY pid) AS s_pm
                FROM filtered WHERE n >= @min
            ),
            grand AS (
                SELECT avg(a_pm) AS a_gm, avg(s_pm) AS s_gm FROM (SELECT DISTINCT ON (pid) a_pm, s_pm FROM kept ORDER BY pid) x
            ),
            firsts AS (
                SELECT pid{Firsts()}
                FROM base GROUP BY pid
            ),
            flagged AS (
                SELECT a.patient_id, a.session, string_agg(DISTINCT a.kind, ';') AS kinds, max(a.rule_version) AS rule_version
                FROM alerts a
                WHERE a.clinic_id = @clinic AND a.instrument = @alliance AND a.rater = '{Rater.Client.StoredName()}' AND a.status <> '{AlertStatus.Withdrawn.StoredName()}'
                GROUP BY a.patient_id, a.session
            )
            SELECT k.pid, k.therapist, k.number, k.day, k.modality, {scoreList},
                k.alliance, k.a_pm, k.alliance - k.a_pm, k.a_pm - g.a_gm,
                CASE WHEN lag(k.number) OVER w = k.number - 1 THEN lag(k.alliance) OVER w END,
                CASE WHEN lag(k.number) OVER w = k.number - 1 THEN lag(k.alliance) OVER w - k.a_pm END,
                k.symptoms, k.s_pm, k.symptoms - k.s_pm, k.s_pm - g.s_gm,
                CASE WHEN lag(k.number) OVER w = k.number - 1 THEN lag(k.symptoms) OVER w END,
                CASE WHEN lag(k.number) OVER w = k.number - 1 THEN lag(k.symptoms) OVER w - k.s_pm END,
                f.kinds, f.rule_version{Statuses()}{therapistList},
                CASE @alliance {allianceTherapist} END,
                CASE @alliance {allianceTherapist} END - k.alliance,
                CASE WHEN wi.sd > 0 THEN (CASE @alliance {allianceTherapist} END - k.alliance) / wi.sd END
            FROM kept k
            CROSS JOIN grand g
            CROSS JOIN within wi
            JOIN firsts fi ON fi.pid = k.pid
            LEFT JOIN flagged f ON f.patient_id = k.pid AND f.session = k.number
            WINDOW w AS (PARTITION BY k.pid ORDER BY k.number)
            ORDER BY k.pid, k.number
            """;

        return sql;
    }

    /// <summary>Each measure's first rated score and session per patient, over all the patient's sessions (before filters).</summary>
    private static string Firsts()
    {
        var text = new StringBuilder();
        foreach (var i in ChangeStatusInstruments)
        {
            var c = ColumnName(i.Code);
            text.Append(CultureInfo.InvariantCulture,
                $",\n        (array_agg({c} ORDER BY number) FILTER (WHERE {c} IS NOT NULL))[1] AS first_{c}, min(number) FILTER (WHERE {c} IS NOT NULL) AS first_{c}_session");
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>ReliableChangeClassifier</c>'s rule, written out per measure from the catalog's values: a change of at least
    /// the reliable change (with the same slack for one-decimal totals), the cut-off inclusive on the clinical side of a
    /// higher-is-worse scale and exclusive on a higher-is-better one. Empty at the first rated session and where not rated.
    /// </summary>
    private static string Statuses()
    {
        var text = new StringBuilder();
        foreach (var i in ChangeStatusInstruments)
        {
            var c = ColumnName(i.Code);
            var (current, first) = ($"k.{c}", $"fi.first_{c}");
            var improvement = i.Direction == ScoreDirection.HigherIsBetter ? $"({current} - {first})" : $"({first} - {current})";
            var reliable = Number(i.ReliableChange!.Value - Slack);
            text.Append(CultureInfo.InvariantCulture, $"""
                ,
                        CASE WHEN {current} IS NULL OR k.number = fi.first_{c}_session THEN NULL
                            WHEN {improvement} >= {reliable} THEN CASE WHEN {Clinical(i, first)} AND NOT {Clinical(i, current)} THEN '{ChangeStatus.Recovered.StoredName()}' ELSE '{ChangeStatus.ReliablyImproved.StoredName()}' END
                            WHEN -{improvement} >= {reliable} THEN '{ChangeStatus.ReliablyDeteriorated.StoredName()}'
                            ELSE '{ChangeStatus.NoReliableChange.StoredName()}' END
                """);
        }

        return text.ToString();
    }

    private const double Slack = 1e-9;

    private static string Clinical(InstrumentDefinition i, string value) => i.ClinicalCutoff switch
    {
        null => "FALSE",
        { } cutoff when i.Direction == ScoreDirection.HigherIsWorse => $"({value} >= {Number(cutoff - Slack)})",
        { } cutoff => $"({value} < {Number(cutoff - Slack)})",
    };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
