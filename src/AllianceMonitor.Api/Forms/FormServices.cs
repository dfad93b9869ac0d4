namespace AllianceMonitor.Api.Forms;

public static class FormServices
{
    /// <summary>The form pages' submission path and their post limit (<c>Forms:SubmitLimit</c>).</summary>
    public static IServiceCollection AddForms(this IServiceCollection services, IConfiguration configuration)
    {
        var limit = configuration.GetSection(FormSubmitLimitOptions.Section).Get<FormSubmitLimitOptions>() ?? new FormSubmitLimitOptions();
        services.AddSingleton(new FormSubmitLimit(limit));
        return services.AddScoped<FormSubmission>().AddScoped<FormLinkIssuer>();
    }
}
