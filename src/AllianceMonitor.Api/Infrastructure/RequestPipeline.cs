namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// The steps an API request goes through after authentication and authorization (middleware), declared on each
/// feature's route group in this order:
/// <code>
/// group.WithAudit()        // every attempt that got this far leaves one audit entry
///      .WithValidation()   // the inputs the endpoint declared with Validated&lt;T&gt;(); a 400 stops here
///      .WithUnitOfWork();  // one transaction around the handler; the audit entry commits inside it
/// </code>
/// Group filters run in the order they were added and before any filter of the endpoint itself, so the steps are
/// group filters that read what each endpoint declared (<c>Audited("...")</c>, <c>Validated&lt;T&gt;()</c>) from its metadata.
/// </summary>
public static class RequestPipeline
{
    public static RouteGroupBuilder AddStep(RouteGroupBuilder group, object marker, IEndpointFilter filter)
    {
        group.WithMetadata(marker);
        group.AddEndpointFilter(filter);
        return group;
    }

    /// <summary>Fails at startup when an endpoint declares something its group has no step for, instead of silently skipping it.</summary>
    public static void Require<TStep>(EndpointBuilder endpoint, string declared, string step)
    {
        if (!endpoint.Metadata.OfType<TStep>().Any())
        {
            throw new InvalidOperationException(
                $"{endpoint.DisplayName} declares {declared}, but its route group has no {step}() step to honour it.");
        }
    }
}
