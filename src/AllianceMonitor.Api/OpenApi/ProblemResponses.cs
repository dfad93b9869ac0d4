using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace AllianceMonitor.Api.OpenApi;

/// <summary>
/// Declares, once for the whole API group, the problem+json answers that the middleware and the binding can give to
/// an endpoint, so that no endpoint repeats them and none is forgotten. It reads what each endpoint is (does it need a
/// key, take a body, have route values) from its metadata, after every other convention has run. An endpoint still
/// declares the answers only its handler gives (409, 422) itself.
/// </summary>
public static class ProblemResponses
{
    private const string ProblemJson = "application/problem+json";

    public static TBuilder WithProblemResponses<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(Declare);
        return builder;
    }

    private static void Declare(EndpointBuilder endpoint)
    {
        var metadata = endpoint.Metadata;
        var declared = metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToHashSet();
        void Add(int status, Type type)
        {
            if (declared.Add(status))
            {
                metadata.Add(new ProducesResponseTypeMetadata(status, type, [ProblemJson]));
            }
        }

        // Any request can be refused before binding (a control character in the path or query), and any value that
        // does not bind (a query date, a route number) is a 400 naming the field.
        Add(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails));
        if (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any())
        {
            Add(StatusCodes.Status401Unauthorized, typeof(ProblemDetails));
            Add(StatusCodes.Status403Forbidden, typeof(ProblemDetails));
            Add(StatusCodes.Status429TooManyRequests, typeof(ProblemDetails));
        }

        if (endpoint is RouteEndpointBuilder { RoutePattern.Parameters.Count: > 0 })
        {
            Add(StatusCodes.Status404NotFound, typeof(ProblemDetails));
        }

        if (metadata.OfType<IAcceptsMetadata>().Any())
        {
            Add(StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails));
            Add(StatusCodes.Status415UnsupportedMediaType, typeof(HttpValidationProblemDetails));
        }

        Add(StatusCodes.Status503ServiceUnavailable, typeof(ProblemDetails));
    }
}
