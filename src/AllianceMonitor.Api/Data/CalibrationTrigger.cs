using System.Text.Json.Serialization;
using AllianceMonitor.Analysis;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// What started a refit. Stored and served as <c>auto</c> (after the clinic's refitEvery new sessions),
/// <c>manual</c> (POST /analysis/refit) or <c>demo_seed</c> (the development demo clinic).
/// </summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<CalibrationTrigger>))]
public enum CalibrationTrigger
{
    Auto,
    Manual,
    DemoSeed,
}
