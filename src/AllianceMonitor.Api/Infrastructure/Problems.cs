using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>Every error the service returns is RFC 9457 problem+json; this wires the pieces that make it so.</summary>
public static class Problems
{
    public static IServiceCollection AddProblemJson(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            if (context.ProblemDetails is { Status: StatusCodes.Status415UnsupportedMediaType } and not HttpValidationProblemDetails)
            {
                context.ProblemDetails.Detail ??= "The request body must be JSON: send Content-Type: application/json.";
                context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]>
                {
                    ["Content-Type"] = ["must be application/json"],
                };
            }
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        return services;
    }

    /// <summary>A validation problem naming one field and the rule it breaks.</summary>
    public static Task WriteValidation(HttpContext context, int status, string field, string rule)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [rule] })
            {
                Status = status,
                Title = status == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type" : "The request is not valid",
                Detail = $"{field}: {rule}",
            },
        }).AsTask();
    }

    public static Task Write(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}

/// <summary>
/// Turns the framework's bad-request exceptions (unreadable JSON, oversize body) into problem+json that names
/// the offending field, instead of a bare status code or a 500.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var status = badRequest.StatusCode;
        ProblemDetails problem = status switch
        {
            StatusCodes.Status413PayloadTooLarge => new ProblemDetails
            {
                Title = "Request body too large",
                Detail = $"The request body may be at most {RequestBodyLimitMiddleware.LimitFor(httpContext)} bytes.",
            },
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails
            {
                Title = "Unsupported media type",
                Detail = "The request body must be JSON: send Content-Type: application/json.",
            },
            _ => JsonProblem(httpContext, badRequest),
        };
        problem.Status = status;
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static HttpValidationProblemDetails JsonProblem(HttpContext http, BadHttpRequestException exception)
    {
        if (BindFailure().Match(exception.Message) is { Success: true } bind)
        {
            // A query or route value that is not of its parameter's type, e.g. ?since=yesterday or sessions/abc.
            var name = bind.Groups["name"].Value;
            var parameter = char.ToLowerInvariant(name[0]) + name[1..];
            var expected = $"must be {BindingRules.Describe(bind.Groups["type"].Value)}";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [parameter] = [expected] })
            {
                Title = "A request parameter could not be read",
                Detail = $"{parameter}: {expected}",
            };
        }

        var (field, rule) = FindJsonException(exception) is { } json
            ? BindingRules.ForJson(http, json)
            : ("body", "the request body could not be read");
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [rule] })
        {
            Title = "The request body is not valid JSON for this endpoint",
            Detail = $"{field}: {rule}",
        };
    }

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^ \"]+) (?<name>\\w+)\" from", RegexOptions.CultureInvariant)]
    private static partial Regex BindFailure();


    private static JsonException? FindJsonException(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonException json)
            {
                return json;
            }
        }

        return null;
    }
}
