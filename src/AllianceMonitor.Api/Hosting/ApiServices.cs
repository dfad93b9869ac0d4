using System.Text.Json;
using System.Text.Json.Serialization;
using AllianceMonitor.Api.Infrastructure;
using FluentValidation;

namespace AllianceMonitor.Api.Hosting;

/// <summary>How the API reads and answers: strict JSON, problem+json for every error, validators.</summary>
public static class ApiServices
{
    public static WebApplicationBuilder AddApiConventions(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemJson();
        builder.Services.AddRequestGuards();
        builder.Services.AddDatabaseOutageHandling();
        builder.Services.AddSecurityHeaders();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Unknown fields are rejected, not ignored: a platform must not believe it stored something we dropped.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        });
        // Validators hold no state and no scoped dependencies: one instance each serves every request.
        builder.Services.AddValidatorsFromAssembly(typeof(Program).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        return builder;
    }
}
