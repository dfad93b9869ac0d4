namespace AllianceMonitor.Analysis.Instruments;

/// <summary>What an instrument measures, which decides whether it feeds the alliance or the symptom side of the models.</summary>
public enum Construct
{
    Alliance,
    Symptoms,
    WellBeing,
}

/// <summary>Whether a higher score means a better or a worse state; rupture and change rules depend on it.</summary>
public enum ScoreDirection
{
    HigherIsBetter,
    HigherIsWorse,
}

/// <summary>How the total is formed from the items.</summary>
public enum Aggregation
{
    Sum,
    Mean,
}

/// <summary>A named subset of items scored the same way as the total (for example the WAI-SR bond scale).</summary>
/// <param name="Items">One-based item numbers as printed on the form.</param>
public sealed record Subscale(string Name, IReadOnlyList<int> Items);

/// <summary>A lower bound (inclusive) of a severity band, with its label.</summary>
public sealed record SeverityBand(double From, string Label);

/// <summary>One row of the instrument catalog. Everything the validator and scorer need is data, not code.</summary>
/// <param name="ItemCount">Number of items; zero for a licensed instrument that accepts only a total.</param>
/// <param name="ItemStep">1 for integer items, 0.1 for visual-analogue items recorded to one decimal.</param>
/// <param name="DefaultTiming">When in the session the form is usually given: alliance after, outcome before.</param>
public sealed record InstrumentDefinition(
    string Code,
    string Name,
    Construct Construct,
    ScoreDirection Direction,
    int ItemCount,
    double ItemMin,
    double ItemMax,
    double ItemStep,
    Aggregation Aggregation,
    double TotalMin,
    double TotalMax,
    string DefaultTiming,
    IReadOnlyList<Subscale> Subscales,
    IReadOnlyList<SeverityBand> Bands,
    double? ReliableChange = null,
    double? ClinicalCutoff = null,
    string? Loinc = null,
    string Reference = "")
{
    /// <summary>Licensed instruments (OQ-45.2) may not have their items stored; only the total is accepted.</summary>
    public bool TotalOnly => ItemCount == 0;

    public bool IntegerItems => ItemStep >= 1;
}
