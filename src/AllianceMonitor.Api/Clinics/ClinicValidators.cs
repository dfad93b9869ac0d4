using AllianceMonitor.Api.Auth;
using FluentValidation;

namespace AllianceMonitor.Api.Clinics;

public sealed class CreateClinicValidator : AbstractValidator<CreateClinicRequest>
{
    public CreateClinicValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200).OverridePropertyName("name")
            .WithMessage("is required and may be at most 200 characters");
    }
}

public sealed class CreateApiKeyValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100).OverridePropertyName("name")
            .WithMessage("is required and may be at most 100 characters");
        RuleFor(r => r.Roles).NotEmpty().OverridePropertyName("roles").WithMessage("must name at least one role");
        RuleForEach(r => r.Roles).Must(role => Roles.All.Contains(role)).OverridePropertyName("roles")
            .WithMessage($"each role must be one of {string.Join(", ", Roles.All)}");
    }
}
