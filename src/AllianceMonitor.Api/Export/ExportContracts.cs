using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// Which patient-sessions an export or a summary covers and which measures are "alliance" and "symptoms".
/// Dates select sessions but are never output.
/// </summary>
/// <param name="Instrument">Only sessions with a client rating in force on this instrument.</param>
/// <param name="Modality">Only sessions held in this modality.</param>
/// <param name="From">Only sessions dated on or after this day (undated sessions are left out when from or to is given).</param>
/// <param name="To">Only sessions dated on or before this day.</param>
/// <param name="MinSessions">Only patients with at least this many sessions left after the other filters.</param>
/// <param name="Alliance">The alliance measure behind the alliance_* columns and the models (wai-sr or srs).</param>
/// <param name="Symptoms">The symptom measure behind the symptoms_* columns and the models (phq-9, gad-7, core-10, oq-45).</param>
public sealed record ExportFilter(
    string? Instrument, string? Modality, DateOnly? From, DateOnly? To, int? MinSessions, string Alliance, string Symptoms)
{
    public static string DefaultAlliance => InstrumentCatalog.DefaultAlliance.Code;
    public static string DefaultSymptoms => InstrumentCatalog.DefaultSymptoms.Code;

    public static readonly IReadOnlyList<string> AllianceMeasures = InstrumentCatalog.Alliance.Select(i => i.Code).ToArray();

    public static readonly IReadOnlyList<string> SymptomMeasures = InstrumentCatalog.Symptoms.Select(i => i.Code).ToArray();

    /// <summary>A stable text of the filters, for cache keys and the export log.</summary>
    public string Describe() => System.Text.Json.JsonSerializer.Serialize(new
    {
        instrument = Instrument,
        modality = Modality,
        from = From,
        to = To,
        minSessions = MinSessions,
        alliance = Alliance,
        symptoms = Symptoms,
    });
}

/// <summary>The query of <c>GET /export/sessions</c>.</summary>
public sealed record ExportQuery(
    string? Format, string? Instrument, string? Modality, DateOnly? From, DateOnly? To, int? MinSessions, bool? Linkable,
    string? Alliance, string? Symptoms)
{
    public static readonly IReadOnlyList<string> Formats = ["csv", "jsonl"];

    public string FormatOrDefault => Format ?? "csv";

    public ExportFilter Filter => new(
        Instrument, Modality, From, To, MinSessions, Alliance ?? ExportFilter.DefaultAlliance, Symptoms ?? ExportFilter.DefaultSymptoms);
}

/// <summary>The query of <c>GET /analysis/summary</c>: the export's filters without format or pseudonyms.</summary>
public sealed record SummaryQuery(
    string? Instrument, string? Modality, DateOnly? From, DateOnly? To, int? MinSessions, string? Alliance, string? Symptoms)
{
    public ExportFilter Filter => new(
        Instrument, Modality, From, To, MinSessions, Alliance ?? ExportFilter.DefaultAlliance, Symptoms ?? ExportFilter.DefaultSymptoms);
}

/// <summary>The query of <c>GET /export/codebook</c>.</summary>
public sealed record CodebookQuery(string? Format)
{
    public static readonly IReadOnlyList<string> Formats = ["json", "markdown"];
}

/// <summary>One column of the export.</summary>
/// <param name="Type">integer, number, string.</param>
/// <param name="Range">Unit or range of the values; "empty" means the cell may be empty (missing).</param>
public sealed record CodebookColumn(string Name, string Type, string Range, string Derivation);
