using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>The trend filter's state: its mean (level, slope, AR deviation), its covariance (3 x 3, row by row) and the last session taken in.</summary>
public sealed record FilterState(IReadOnlyList<double> X, IReadOnlyList<double> P, int? Last);

/// <summary>A rupture still open: its alert as it stands (the one alert whose repair status can still move), the level it broke from and its dip so far.</summary>
/// <param name="AtAlert">How many of the dip's ratings were known when the alert was raised (2 for the two-low-sessions rule).</param>
public sealed record OpenRupture(DetectedAlert Alert, double Baseline, IReadOnlyList<RatedSession> Dip, int AtAlert);

/// <summary>A session low enough to start a two-session rupture, and the filter as it stood before it.</summary>
public sealed record PendingPair(FilterState Before, RatedSession Session);

/// <summary>
/// Everything the rupture detector carries from one session to the next, so that judging session t needs this and
/// session t only: <c>Run(history)</c> is exactly <c>Resume(Start, history)</c>, and resuming a stored state with the
/// later sessions gives, bit for bit, the alerts and judgements of replaying the whole series. Immutable and
/// serializable (System.Text.Json), so the service stores it with the series.
/// </summary>
/// <param name="RuleVersion">The detector's <see cref="RuptureDetector.RuleVersion"/> it was computed under.</param>
/// <param name="CalibrationVersion">The calibration's version it was computed under (also inside <paramref name="Fingerprint"/>).</param>
/// <param name="Fingerprint">
/// A hash of the instrument, the calibration's values, the clinic's settings and the rule version: a state is resumed
/// only under the very same ones (<see cref="IsFor"/>); anything else is a replay from the start.
/// </param>
/// <param name="Sessions">How many sessions it has taken in.</param>
/// <param name="LastSession">The last of them; null before the first.</param>
/// <param name="Taken">Sessions taken into the prediction (those inside an open or repaired rupture are not).</param>
/// <param name="LowCount">Sessions the low-alliance rule's usual level is the mean of (all of them).</param>
/// <param name="LowSum">Their sum, added in session order as the mean adds them.</param>
/// <param name="LastLowAlert">The session of the last low-alliance alert, for its cooldown.</param>
public sealed record DetectorState(
    int RuleVersion,
    int CalibrationVersion,
    string Fingerprint,
    int Sessions,
    int? LastSession,
    FilterState Filter,
    int Taken,
    OpenRupture? Open,
    PendingPair? Pending,
    int LowCount,
    double LowSum,
    int? LastLowAlert)
{
    private static readonly JsonSerializerOptions Exact = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The state before the first session: the clinic's prior and nothing else.</summary>
    public static DetectorState Start(InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings) =>
        Start(new Context(instrument, calibration, settings));

    internal static DetectorState Start(Context context) =>
        new(RuptureDetector.RuleVersion, context.Calibration.Version, FingerprintOf(context.Instrument, context.Calibration, context.Settings), 0, null,
            new TrendFilter(context.Model, context.Resolution).Save(), 0, null, null, 0, 0, null);

    /// <summary>Whether this state was computed under exactly this instrument, calibration, settings and rule version.</summary>
    public bool IsFor(InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings) =>
        RuleVersion == RuptureDetector.RuleVersion && CalibrationVersion == calibration.Version
        && Fingerprint == FingerprintOf(instrument, calibration, settings);

    /// <summary>The state as JSON text; doubles are written shortest-round-trip, so <see cref="FromJson"/> restores every bit.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Exact);

    public static DetectorState FromJson(string json) =>
        JsonSerializer.Deserialize<DetectorState>(json, Exact) ?? throw new JsonException("The detector state is null.");

    /// <summary>
    /// SHA-256 of what the detector judges against. The calibration is serialized as its declared <see cref="Calibration"/>,
    /// so the service's stored record (which adds when and why it was fitted) hashes as the values the detector uses.
    /// </summary>
    public static string FingerprintOf(InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings)
    {
        var what = new Judged(instrument.Code, RuptureDetector.RuleVersion, calibration, settings);
        return Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(what, Exact)));
    }

    private sealed record Judged(string Instrument, int RuleVersion, Calibration Calibration, DetectorSettings Settings);
}
