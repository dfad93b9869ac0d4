namespace AllianceMonitor.Analysis.Instruments;

/// <summary>The scores computed from one completed form.</summary>
/// <param name="Total">The instrument's total on its own scale (item mean for WAI-SR, sum otherwise).</param>
/// <param name="Subscales">Subscale scores, and derived scales such as the WHO-5 percentage.</param>
/// <param name="Band">The severity band the total falls in, where the instrument defines bands.</param>
public sealed record InstrumentScore(double Total, IReadOnlyDictionary<string, double> Subscales, string? Band);

/// <summary>One reason a form was rejected. <paramref name="Field"/> is relative to the measurement (for example <c>items[3]</c>).</summary>
public sealed record ScoringError(string Field, string Message);
