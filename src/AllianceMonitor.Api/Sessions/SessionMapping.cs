using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Sessions;

internal static class SessionMapping
{
    public static SessionResponse ToResponse(Session session, string patientId) => new(
        patientId,
        session.Number,
        session.OccurredOn,
        session.Modality,
        session.Therapist?.ExternalId,
        session.Measurements
            .Where(m => m.SupersededAt is null)
            .OrderBy(m => m.Instrument, StringComparer.Ordinal)
            .ThenBy(m => m.Rater.StoredName(), StringComparer.Ordinal)
            .ThenBy(m => m.Timing.StoredName(), StringComparer.Ordinal)
            .Select(ToResponse)
            .ToList());

    public static MeasurementResponse ToResponse(Measurement m) =>
        new(m.Instrument, m.Rater, m.Timing, m.Revision, m.Items, m.Total, Sorted(m.Subscales), m.Band, m.ReceivedAt, m.SupersededAt);

    // jsonb does not keep key order; a fixed order keeps a repeated PUT's response byte-for-byte the same.
    private static SortedDictionary<string, double> Sorted(Dictionary<string, double> subscales) => new(subscales, StringComparer.Ordinal);
}
