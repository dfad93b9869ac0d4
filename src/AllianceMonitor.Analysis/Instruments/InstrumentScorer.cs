namespace AllianceMonitor.Analysis.Instruments;

/// <summary>
/// Validates a form against its catalog row and scores it. Incomplete forms are rejected rather than
/// prorated: a prorated total would look like a measured one in every later analysis.
/// </summary>
public static class InstrumentScorer
{
    // Values arrive as JSON doubles; a tenth entered on a tablet can come back as 7.300000000000001.
    private const double Tolerance = 1e-9;

    public static IReadOnlyList<ScoringError> Validate(InstrumentDefinition instrument, IReadOnlyList<double>? items, double? total)
    {
        if (instrument.TotalOnly)
        {
            return ValidateTotalOnly(instrument, items, total);
        }

        var errors = new List<ScoringError>();
        if (total is not null)
        {
            errors.Add(new("total", $"{instrument.Code} is scored from its items; send items, not a total"));
        }

        if (items is null || items.Count == 0)
        {
            errors.Add(new("items", $"{instrument.Code} needs all {instrument.ItemCount} items; incomplete forms are not prorated"));
            return errors;
        }

        if (items.Count != instrument.ItemCount)
        {
            errors.Add(new("items", $"{instrument.Code} needs exactly {instrument.ItemCount} items; got {items.Count}"));
            return errors;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (ItemError(instrument, items[i]) is { } message)
            {
                errors.Add(new($"items[{i}]", message));
            }
        }

        return errors;
    }

    /// <summary>Scores a form that <see cref="Validate"/> accepted.</summary>
    public static InstrumentScore Score(InstrumentDefinition instrument, IReadOnlyList<double>? items, double? total)
    {
        if (instrument.TotalOnly)
        {
            var value = total ?? throw new ArgumentException($"{instrument.Code} needs a total", nameof(total));
            return new InstrumentScore(value, new Dictionary<string, double>(), BandOf(instrument, value));
        }

        if (items is null || items.Count != instrument.ItemCount)
        {
            throw new ArgumentException($"{instrument.Code} needs {instrument.ItemCount} items", nameof(items));
        }

        var rounded = NormalizeItems(instrument, items);
        var score = Aggregate(instrument.Aggregation, rounded);
        var subscales = instrument.Subscales.ToDictionary(
            s => s.Name,
            s => Aggregate(instrument.Aggregation, s.Items.Select(n => rounded[n - 1]).ToArray()));

        if (instrument.Code == "who-5")
        {
            // WHO-5 is reported both raw (0-25) and as a percentage (raw x 4), the scale on which a 10-point change matters.
            subscales["percentage"] = score * 4;
        }

        return new InstrumentScore(score, subscales, BandOf(instrument, score));
    }

    /// <summary>Items as stored: snapped to the instrument's step, so 7.300000000000001 is kept as 7.3.</summary>
    public static double[] NormalizeItems(InstrumentDefinition instrument, IReadOnlyList<double> items) =>
        items.Select(v => RoundToStep(v, instrument.ItemStep)).ToArray();

    private static List<ScoringError> ValidateTotalOnly(InstrumentDefinition instrument, IReadOnlyList<double>? items, double? total)
    {
        var errors = new List<ScoringError>();
        if (items is { Count: > 0 })
        {
            errors.Add(new("items", $"{instrument.Code} is licensed: send only its total, never its items"));
        }

        if (total is null)
        {
            errors.Add(new("total", $"{instrument.Code} needs a total"));
        }
        else if (!double.IsFinite(total.Value) || total < instrument.TotalMin || total > instrument.TotalMax || !IsWhole(total.Value))
        {
            errors.Add(new("total", $"must be an integer from {instrument.TotalMin} to {instrument.TotalMax}"));
        }

        return errors;
    }

    private static string? ItemError(InstrumentDefinition instrument, double value)
    {
        var rule = instrument.IntegerItems
            ? $"must be an integer from {instrument.ItemMin} to {instrument.ItemMax}"
            : $"must be a number from {instrument.ItemMin} to {instrument.ItemMax} with at most one decimal";

        if (!double.IsFinite(value) || value < instrument.ItemMin - Tolerance || value > instrument.ItemMax + Tolerance)
        {
            return rule;
        }

        var steps = value / instrument.ItemStep;
        return Math.Abs(steps - Math.Round(steps)) > Tolerance * 10 ? rule : null;
    }

    private static bool IsWhole(double value) => Math.Abs(value - Math.Round(value)) < Tolerance;

    private static double RoundToStep(double value, double step) => Math.Round(Math.Round(value / step) * step, 6);

    private static double Aggregate(Aggregation aggregation, double[] values)
    {
        var sum = values.Sum();
        return aggregation == Aggregation.Mean ? sum / values.Length : Math.Round(sum, 6);
    }

    private static string? BandOf(InstrumentDefinition instrument, double total) =>
        instrument.Bands.LastOrDefault(b => total >= b.From)?.Label;
}
