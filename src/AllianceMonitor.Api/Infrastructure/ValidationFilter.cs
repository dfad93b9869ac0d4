using FluentValidation;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>An endpoint's input that its group's validation step checks, declared with <c>Validated&lt;T&gt;()</c>.</summary>
public sealed record ValidatedInput(Type Type)
{
    /// <summary>IValidator&lt;Type&gt;, closed once here rather than by reflection on every request.</summary>
    public Type ValidatorType { get; } = typeof(IValidator<>).MakeGenericType(Type);
}

/// <summary>
/// Runs the FluentValidation validator of every input the endpoint declared before anything else touches the
/// database: a rejected request answers 400 with the fields named and opens no unit of work.
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        foreach (var input in http.GetEndpoint()?.Metadata.GetOrderedMetadata<ValidatedInput>() ?? [])
        {
            if (context.Arguments.FirstOrDefault(input.Type.IsInstanceOfType) is not { } argument)
            {
                continue;
            }

            var validator = (IValidator)http.RequestServices.GetRequiredService(input.ValidatorType);
            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), http.RequestAborted);
            if (!result.IsValid)
            {
                var errors = ErrorsByField(result);
                return TypedResults.ValidationProblem(errors, detail: Describe(errors));
            }
        }

        return await next(context);
    }

    /// <summary>Each field's distinct messages, as a 400 names them (the bulk import reports each rejected line the same way).</summary>
    public static Dictionary<string, string[]> ErrorsByField(FluentValidation.Results.ValidationResult result) =>
        result.Errors
            .GroupBy(e => e.PropertyName)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    private static string Describe(Dictionary<string, string[]> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}

public static class ValidationFilterExtensions
{
    /// <summary>The endpoint's <typeparamref name="T"/> argument is validated by its group's <see cref="WithValidation"/> step.</summary>
    public static RouteHandlerBuilder Validated<T>(this RouteHandlerBuilder builder)
    {
        builder.WithMetadata(new ValidatedInput(typeof(T))).ProducesValidationProblem();
        builder.Finally(endpoint => RequestPipeline.Require<ValidationStep>(endpoint, $"Validated<{typeof(T).Name}>()", nameof(WithValidation)));
        return builder;
    }

    /// <summary>Adds the validation step to the group's request pipeline (see <see cref="RequestPipeline"/> for the order).</summary>
    public static RouteGroupBuilder WithValidation(this RouteGroupBuilder group) =>
        RequestPipeline.AddStep(group, new ValidationStep(), new ValidationFilter());
}

/// <summary>Marks an endpoint whose group validates.</summary>
public sealed record ValidationStep;
