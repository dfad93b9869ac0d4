using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using FluentValidation;

namespace AllianceMonitor.Api.Alerts;

public sealed class AlertListQueryValidator : AbstractValidator<AlertListQuery>
{
    public AlertListQueryValidator()
    {
        RuleFor(q => q.Status).Must(s => s is null || StoredNames.TryParse<AlertStatus>(s, out _))
            .OverridePropertyName("status").WithMessage($"must be one of {string.Join(", ", StoredNames.All<AlertStatus>())}");
        RuleFor(q => q.Kind).Must(k => k is null || StoredNames.TryParse<AlertKind>(k, out _))
            .OverridePropertyName("kind").WithMessage($"must be one of {string.Join(", ", StoredNames.All<AlertKind>())}");
        RuleFor(q => q.TherapistId).Must(t => t is null || Identifiers.IsValid(t))
            .OverridePropertyName("therapistId").WithMessage(Identifiers.Rule);
        RuleFor(q => q.Page).ValidPage().OverridePropertyName("page");
        RuleFor(q => q.PageSize).InclusiveBetween(1, AlertListQuery.MaxPageSize)
            .OverridePropertyName("pageSize").WithMessage($"must be from 1 to {AlertListQuery.MaxPageSize}");
    }
}

public sealed class AlertActionRequestValidator : AbstractValidator<AlertActionRequest>
{
    public AlertActionRequestValidator() =>
        RuleFor(r => r.Body!.Note).Must(n => n is null || AlertNotes.All.Contains(n)).When(r => r.Body is not null)
            .OverridePropertyName("note")
            .WithMessage($"must be one of {string.Join(", ", AlertNotes.All)} (free text is not stored)");
}
