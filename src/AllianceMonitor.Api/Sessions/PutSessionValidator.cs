using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Infrastructure;
using FluentValidation;

namespace AllianceMonitor.Api.Sessions;

public sealed class PutSessionValidator : AbstractValidator<PutSessionRequest>
{
    public PutSessionValidator(TimeProvider clock)
    {
        RuleFor(r => r.PatientId).Must(Identifiers.IsValid).OverridePropertyName("patientId").WithMessage(Identifiers.Rule);
        RuleFor(r => r.SessionNumber).InclusiveBetween(1, Vocabulary.MaxSessionNumber).OverridePropertyName("sessionNumber")
            .WithMessage($"must be a whole number from 1 to {Vocabulary.MaxSessionNumber}");

        RuleFor(r => r.Body.Modality).Must(m => m is null || Vocabulary.Modalities.Contains(m)).OverridePropertyName("modality")
            .WithMessage($"must be one of {string.Join(", ", Vocabulary.Modalities)}");
        RuleFor(r => r.Body.TherapistId).Must(t => t is null || Identifiers.IsValid(t)).OverridePropertyName("therapistId")
            .WithMessage(Identifiers.Rule);
        RuleFor(r => r.Body.OccurredOn)
            .Must(d => d is null || (d.Value.Year >= 1990 && d.Value <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1)))
            .OverridePropertyName("occurredOn").WithMessage("must be a date from 1990 up to tomorrow");

        RuleFor(r => r.Body.Measurements).NotNull().OverridePropertyName("measurements").WithMessage("is required (it may be an empty list)");
        RuleFor(r => r.Body.Measurements!.Count).LessThanOrEqualTo(Vocabulary.MaxMeasurementsPerSession)
            .When(r => r.Body.Measurements is not null)
            .OverridePropertyName("measurements").WithMessage($"may hold at most {Vocabulary.MaxMeasurementsPerSession} measurements");
        RuleFor(r => r.Body).Custom(ValidateMeasurements).When(r => r.Body.Measurements is not null);
    }

    private static void ValidateMeasurements(SessionBody body, ValidationContext<PutSessionRequest> context)
    {
        var seen = new HashSet<(string, string, string)>();
        for (var i = 0; i < body.Measurements!.Count; i++)
        {
            var m = body.Measurements[i];
            var path = $"measurements[{i}]";
            if (m is null)
            {
                context.AddFailure(path, "must be an object");
                continue;
            }

            var instrument = InstrumentCatalog.Find(m.Instrument);
            if (instrument is null)
            {
                context.AddFailure($"{path}.instrument", $"must be one of {string.Join(", ", InstrumentCatalog.Codes)}");
                continue;
            }

            if (m.Rater is not null && !StoredNames.TryParse<Rater>(m.Rater, out _))
            {
                context.AddFailure($"{path}.rater", $"must be one of {string.Join(", ", StoredNames.All<Rater>())}");
            }

            if (m.Timing is not null && !StoredNames.TryParse<Timing>(m.Timing, out _))
            {
                context.AddFailure($"{path}.timing", $"must be one of {string.Join(", ", StoredNames.All<Timing>())}");
            }

            // Compared as sent, so a repeat is reported even when its rater or timing is not a valid name.
            if (!seen.Add((instrument.Code, m.Rater ?? Vocabulary.DefaultRater.StoredName(), m.Timing ?? instrument.DefaultTiming.StoredName())))
            {
                context.AddFailure(path, "repeats an instrument, rater and timing already sent in this session");
            }

            foreach (var error in InstrumentScorer.Validate(instrument, m.Items, m.Total))
            {
                context.AddFailure($"{path}.{error.Field}", error.Message);
            }
        }
    }
}

/// <summary>What identifies one form within a session: a correction of the same form replaces it.</summary>
internal static class FormKey
{
    /// <summary>Of a validated input: its rater and timing, when given, are stored names.</summary>
    public static (string Instrument, Rater Rater, Timing Timing) Of(MeasurementInput input, InstrumentDefinition instrument) =>
        (instrument.Code,
         input.Rater is null ? Vocabulary.DefaultRater : StoredNames.Parse<Rater>(input.Rater),
         input.Timing is null ? instrument.DefaultTiming : StoredNames.Parse<Timing>(input.Timing));
}
