using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using FluentValidation;

namespace AllianceMonitor.Api.Clinics;

/// <summary>Ranges wide enough for any defensible policy and narrow enough that no value silences or floods the detector.</summary>
public sealed class DetectorSettingsValidator : AbstractValidator<DetectorSettings>
{
    private static readonly string[] DeteriorationCodes = InstrumentCatalog.WithReliableChange.Select(i => i.Code).ToArray();

    public DetectorSettingsValidator()
    {
        RuleFor(s => s.K).InclusiveBetween(1.0, 5.0).OverridePropertyName("k")
            .WithMessage("must be from 1 to 5 (prediction SDs), or left out to follow the false-alert budget");
        RuleFor(s => s.SustainedK).InclusiveBetween(1.0, 100.0).OverridePropertyName("sustainedK")
            .WithMessage("must be from 1 to 100 (prediction SDs; 100 switches the two-session rule off), or left out to follow the false-alert budget");
        RuleFor(s => s.FalseAlertBudget).InclusiveBetween(0.05, 5.0).OverridePropertyName("falseAlertBudget")
            .WithMessage("must be from 0.05 to 5 (false rupture alerts per 100 rated sessions)");
        RuleFor(s => s.MinBaselineSessions).InclusiveBetween(1, 20).OverridePropertyName("minBaselineSessions").WithMessage("must be from 1 to 20");
        RuleFor(s => s.RepairWindow).InclusiveBetween(1, 10).OverridePropertyName("repairWindow").WithMessage("must be from 1 to 10 sessions");
        RuleFor(s => s.LowAllianceCooldown).InclusiveBetween(1, 50).OverridePropertyName("lowAllianceCooldown").WithMessage("must be from 1 to 50 sessions");
        RuleFor(s => s.LowAllianceQuantile).InclusiveBetween(0.01, 0.5).OverridePropertyName("lowAllianceQuantile").WithMessage("must be from 0.01 to 0.5");
        RuleFor(s => s.SrsConcernThreshold).InclusiveBetween(0.0, 40.0).OverridePropertyName("srsConcernThreshold").WithMessage("must be from 0 to 40 (the SRS range)");
        RuleFor(s => s.Reliability).InclusiveBetween(0.5, 0.99).OverridePropertyName("reliability").WithMessage("must be from 0.5 to 0.99");
        RuleForEach(s => s.DeteriorationInstruments).Must(code => DeteriorationCodes.Contains(code)).OverridePropertyName("deteriorationInstruments")
            .WithMessage($"must each be a symptom or well-being measure with a published reliable-change value: {string.Join(", ", DeteriorationCodes)}");
        RuleFor(s => s.DeteriorationInstruments).Must(codes => codes!.Distinct(StringComparer.Ordinal).Count() == codes!.Count)
            .When(s => s.DeteriorationInstruments is not null).OverridePropertyName("deteriorationInstruments")
            .WithMessage("must not name a measure twice");
        RuleFor(s => s.RefitEvery).InclusiveBetween(10, 100_000).OverridePropertyName("refitEvery").WithMessage("must be from 10 to 100000 sessions");
    }
}
