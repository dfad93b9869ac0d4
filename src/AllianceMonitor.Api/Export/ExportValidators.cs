using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Sessions;
using FluentValidation;

namespace AllianceMonitor.Api.Export;

internal static class FilterRules
{
    public static void Apply<T>(
        AbstractValidator<T> v,
        Func<T, string?> instrument, Func<T, string?> modality, Func<T, DateOnly?> from, Func<T, DateOnly?> to,
        Func<T, int?> minSessions, Func<T, string?> alliance, Func<T, string?> symptoms)
    {
        v.RuleFor(q => instrument(q)).Must(i => i is null || InstrumentCatalog.Find(i) is not null)
            .OverridePropertyName("instrument").WithMessage($"must be one of {string.Join(", ", InstrumentCatalog.Codes)}");
        v.RuleFor(q => modality(q)).Must(m => m is null || Vocabulary.Modalities.Contains(m))
            .OverridePropertyName("modality").WithMessage($"must be one of {string.Join(", ", Vocabulary.Modalities)}");
        v.RuleFor(q => to(q)).Must((q, t) => t is null || from(q) is null || from(q) <= t)
            .OverridePropertyName("to").WithMessage("must be on or after from");
        v.RuleFor(q => minSessions(q)).InclusiveBetween(1, Vocabulary.MaxSessionNumber).When(q => minSessions(q) is not null)
            .OverridePropertyName("minSessions").WithMessage($"must be from 1 to {Vocabulary.MaxSessionNumber}");
        v.RuleFor(q => alliance(q)).Must(a => a is null || ExportFilter.AllianceMeasures.Contains(a))
            .OverridePropertyName("alliance").WithMessage($"must be one of {string.Join(", ", ExportFilter.AllianceMeasures)}");
        v.RuleFor(q => symptoms(q)).Must(s => s is null || ExportFilter.SymptomMeasures.Contains(s))
            .OverridePropertyName("symptoms").WithMessage($"must be one of {string.Join(", ", ExportFilter.SymptomMeasures)}");
    }
}

public sealed class ExportQueryValidator : AbstractValidator<ExportQuery>
{
    public ExportQueryValidator()
    {
        RuleFor(q => q.Format).Must(f => f is null || ExportQuery.Formats.Contains(f))
            .OverridePropertyName("format").WithMessage($"must be one of {string.Join(", ", ExportQuery.Formats)}");
        FilterRules.Apply(this, q => q.Instrument, q => q.Modality, q => q.From, q => q.To, q => q.MinSessions, q => q.Alliance, q => q.Symptoms);
    }
}

public sealed class SummaryQueryValidator : AbstractValidator<SummaryQuery>
{
    public SummaryQueryValidator() =>
        FilterRules.Apply(this, q => q.Instrument, q => q.Modality, q => q.From, q => q.To, q => q.MinSessions, q => q.Alliance, q => q.Symptoms);
}

public sealed class CodebookQueryValidator : AbstractValidator<CodebookQuery>
{
    public CodebookQueryValidator() =>
        RuleFor(q => q.Format).Must(f => f is null || CodebookQuery.Formats.Contains(f))
            .OverridePropertyName("format").WithMessage($"must be one of {string.Join(", ", CodebookQuery.Formats)}");
}
