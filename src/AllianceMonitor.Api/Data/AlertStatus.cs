using System.Text.Json.Serialization;
using AllianceMonitor.Analysis;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// Where an alert stands in the clinic's workflow; <c>withdrawn</c> means a corrected session no longer supports it.
/// Stored and served as <c>open</c>, <c>acknowledged</c>, <c>resolved</c>, <c>withdrawn</c>.
/// </summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertStatus>))]
public enum AlertStatus
{
    Open,
    Acknowledged,
    Resolved,
    Withdrawn,
}
