using AllianceMonitor.Api.Infrastructure;
using FluentValidation;

namespace AllianceMonitor.Api.Patients;

public sealed class PutPatientValidator : AbstractValidator<PutPatientRequest>
{
    public PutPatientValidator()
    {
        RuleFor(r => r.PatientId).Must(Identifiers.IsValid).OverridePropertyName("patientId").WithMessage(Identifiers.Rule);
        RuleFor(r => r.Body.TherapistId).Must(t => t is null || Identifiers.IsValid(t))
            .OverridePropertyName("therapistId").WithMessage(Identifiers.Rule);
    }
}

public sealed class PatientListQueryValidator : AbstractValidator<PatientListQuery>
{
    public PatientListQueryValidator()
    {
        RuleFor(q => q.TherapistId).Must(t => t is null || Identifiers.IsValid(t))
            .OverridePropertyName("therapistId").WithMessage(Identifiers.Rule);
        RuleFor(q => q.Page).ValidPage().OverridePropertyName("page");
        RuleFor(q => q.PageSize).InclusiveBetween(1, PatientListQuery.MaxPageSize)
            .OverridePropertyName("pageSize").WithMessage($"must be from 1 to {PatientListQuery.MaxPageSize}");
    }
}
