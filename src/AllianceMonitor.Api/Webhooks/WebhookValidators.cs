using AllianceMonitor.Api.Infrastructure;
using FluentValidation;

namespace AllianceMonitor.Api.Webhooks;

public sealed class CreateWebhookValidator : AbstractValidator<CreateWebhookRequest>
{
    public const int MaxUrlLength = 2000;

    public CreateWebhookValidator()
    {
        RuleFor(r => r.Url).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("is required")
            .MaximumLength(MaxUrlLength).WithMessage($"may be at most {MaxUrlLength} characters")
            .Must(u => !u.Any(char.IsControl)).WithMessage(RequestGuards.ControlCharacterRule)
            .Must(IsHttpUrl).WithMessage("must be an absolute http or https URL")
            .OverridePropertyName("url");

        RuleFor(r => r.Events).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("must name at least one event")
            .Must(e => e.Distinct(StringComparer.Ordinal).Count() == e.Count).WithMessage("must not name an event twice")
            .OverridePropertyName("events");
        RuleForEach(r => r.Events).Must(e => WebhookEvents.Subscribable.Contains(e)).OverridePropertyName("events")
            .WithMessage($"each event must be one of {string.Join(", ", WebhookEvents.Subscribable)}");
    }

    // On Unix a path such as "/hook" parses as an absolute file: URI, so the scheme check is what rejects it.
    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

public sealed class DeliveryListQueryValidator : AbstractValidator<DeliveryListQuery>
{
    public DeliveryListQueryValidator()
    {
        RuleFor(q => q.Page).ValidPage().OverridePropertyName("page");
        RuleFor(q => q.PageSize).InclusiveBetween(1, DeliveryListQuery.MaxPageSize)
            .OverridePropertyName("pageSize").WithMessage($"must be from 1 to {DeliveryListQuery.MaxPageSize}");
    }
}
