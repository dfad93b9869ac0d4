using System.Data.Common;
using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Sessions;

/// <summary>
/// The read batch's rows as entities, column by column in the order <see cref="SessionReadBatch"/> selects them, with
/// the conversions the EF model applies (vocabulary names, jsonb documents). <c>SessionReadBatchTests</c> compares each
/// with EF Core's own reading of the same row.
/// </summary>
internal static class SessionRows
{
    /// <summary>A session from columns id, occurred_on, modality, therapist_id, created_at, updated_at.</summary>
    public static Session Session(DbDataReader r, Guid patientId, int number) => new()
    {
        Id = r.GetGuid(0),
        PatientId = patientId,
        Number = number,
        OccurredOn = r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1),
        Modality = r.IsDBNull(2) ? null : r.GetString(2),
        TherapistId = NullableGuid(r, 3),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(4),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(5),
    };

    /// <summary>A revision from the columns of <see cref="SessionReadBatch.MeasurementColumns"/>.</summary>
    public static Measurement Measurement(DbDataReader r, long id) => new()
    {
        Id = id,
        SessionId = r.GetGuid(1),
        PatientId = r.GetGuid(12),
        SessionNumber = r.GetInt32(13),
        Instrument = r.GetString(2),
        Rater = StoredNames.Parse<Rater>(r.GetString(3)),
        Timing = StoredNames.Parse<Timing>(r.GetString(4)),
        Revision = r.GetInt32(5),
        Items = r.IsDBNull(6) ? null : r.GetFieldValue<double[]>(6),
        Total = r.GetDouble(7),
        Subscales = JsonSerializer.Deserialize<Dictionary<string, double>>(r.GetString(8), JsonSerializerOptions.Default) ?? [],
        Band = NullableString(r, 9),
        ReceivedAt = r.GetFieldValue<DateTimeOffset>(10),
        SupersededAt = NullableTime(r, 11),
    };

    public static Alert Alert(DbDataReader r) => new()
    {
        Id = r.GetGuid(0),
        ClinicId = r.GetGuid(1),
        PatientId = r.GetGuid(2),
        Instrument = r.GetString(3),
        Rater = StoredNames.Parse<Rater>(r.GetString(4)),
        Kind = StoredNames.Parse<AlertKind>(r.GetString(5)),
        Session = r.GetInt32(6),
        Status = StoredNames.Parse<AlertStatus>(r.GetString(7)),
        RuptureStatus = r.IsDBNull(8) ? null : StoredNames.Parse<RuptureStatus>(r.GetString(8)),
        StatusSession = NullableInt(r, 9),
        Severity = r.GetInt32(10),
        Evidence = new AlertEvidence(
            Observed: r.GetDouble(11),
            Baseline: r.GetDouble(12),
            DropInSds: r.GetDouble(13),
            Threshold: r.GetDouble(14),
            Rule: r.GetString(15),
            RuleVersion: r.GetInt32(16),
            CalibrationVersion: r.GetInt32(17),
            DefaultCalibration: r.GetBoolean(18),
            ExpectedSymptomChange: NullableDouble(r, 19),
            Explanation: r.GetString(20),
            PredictionSd: NullableDouble(r, 21),
            ThresholdSds: NullableDouble(r, 22),
            Method: NullableString(r, 23),
            FirstSession: NullableInt(r, 24),
            Change: NullableDouble(r, 25),
            ThresholdSource: NullableString(r, 26),
            TherapistObserved: NullableDouble(r, 27),
            TherapistBaseline: NullableDouble(r, 28),
            TherapistThreshold: NullableDouble(r, 29)),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(30),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(31),
        AcknowledgedAt = NullableTime(r, 32),
        AcknowledgedBy = NullableGuid(r, 33),
        AcknowledgeNote = NullableString(r, 34),
        ResolvedAt = NullableTime(r, 35),
        ResolvedBy = NullableGuid(r, 36),
        ResolveNote = NullableString(r, 37),
    };

    public static SeriesDetectorState DetectorState(DbDataReader r, Guid patientId) => new()
    {
        PatientId = patientId,
        Instrument = r.GetString(0),
        Rater = StoredNames.Parse<Rater>(r.GetString(1)),
        LastSession = r.GetInt32(2),
        Sessions = r.GetInt32(3),
        RuleVersion = r.GetInt32(4),
        CalibrationVersion = r.GetInt32(5),
        State = r.GetString(6),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(7),
    };

    public static CalibrationRecord Calibration(DbDataReader r)
    {
        var model = r.IsDBNull(17)
            ? null
            : new PredictionModel(r.GetString(17), r.GetDouble(18), r.GetDouble(19), r.GetDouble(20), r.GetDouble(21), r.GetDouble(22),
                r.GetDouble(23), r.GetDouble(24), r.GetDouble(25), r.GetDouble(26));
        var fitted = new Calibration(
            Instrument: r.GetString(2),
            Version: r.GetInt32(4),
            IsDefault: r.GetBoolean(5),
            GrandMean: r.GetDouble(6),
            BetweenVariance: r.GetDouble(7),
            WithinSd: r.GetDouble(8),
            LowAllianceThreshold: r.GetDouble(9),
            Patients: r.GetInt32(10),
            Ratings: r.GetInt32(11),
            SymptomEffectPerPoint: NullableDouble(r, 12),
            Model: model);
        return new CalibrationRecord(fitted)
        {
            Id = r.GetInt64(0),
            ClinicId = r.GetGuid(1),
            Rater = StoredNames.Parse<Rater>(r.GetString(3)),
            DefaultReason = NullableString(r, 13),
            SymptomInstrument = NullableString(r, 14),
            Trigger = StoredNames.Parse<CalibrationTrigger>(r.GetString(15)),
            FittedAt = r.GetFieldValue<DateTimeOffset>(16),
        };
    }

    public static Guid? NullableGuid(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);

    private static int? NullableInt(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static double? NullableDouble(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
