using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Clinics;

public static class ClinicsEndpoints
{
    public static RouteGroupBuilder MapClinics(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/clinics").WithTags("Clinics").RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapPost("/", CreateClinic)
            .WithName(nameof(CreateClinic))
            .WithSummary("Create a clinic (global admin key)")
            .Audited("clinic.create")
            .Validated<CreateClinicRequest>();

        group.MapGet("/", ListClinics)
            .WithName(nameof(ListClinics))
            .WithSummary("The clinics this key manages: every clinic for a global admin key, its own for a clinic admin key")
            .Audited("clinic.list");

        group.MapPost("/{clinicId:guid}/api-keys", CreateApiKey)
            .WithName(nameof(CreateApiKey))
            .WithSummary("Create an API key for a clinic; the key is shown in this response only")
            .Audited("api_key.create")
            .Validated<CreateApiKeyRequest>();

        group.MapGet("/{clinicId:guid}/api-keys", ListApiKeys)
            .WithName(nameof(ListApiKeys))
            .WithSummary("A clinic's API keys, without their secrets")
            .Audited("api_key.list");

        group.MapDelete("/{clinicId:guid}/api-keys/{keyId:guid}", RevokeApiKey)
            .WithName(nameof(RevokeApiKey))
            .WithSummary("Revoke an API key; it stops working at once")
            .Audited("api_key.revoke");

        return group;
    }

    public static async Task<Results<Created<ClinicResponse>, ProblemHttpResult>> CreateClinic(
        CreateClinicRequest request, HttpContext http, AllianceDbContext db)
    {
        if (!Caller.From(http.User).IsGlobalAdmin)
        {
            return TypedResults.Problem("Only a global admin key creates clinics.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var clinic = new Clinic { Name = request.Name.Trim() };
        db.Clinics.Add(clinic);
        return TypedResults.Created($"/api/v1/clinics/{clinic.Id}", new ClinicResponse(clinic.Id, clinic.Name));
    }

    public static async Task<Ok<List<ClinicResponse>>> ListClinics(HttpContext http, AllianceDbContext db)
    {
        var caller = Caller.From(http.User);
        var clinics = db.Clinics.AsNoTracking();
        if (!caller.IsGlobalAdmin)
        {
            clinics = clinics.Where(c => c.Id == caller.ClinicId);
        }

        return TypedResults.Ok(await clinics
            .OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new ClinicResponse(c.Id, c.Name))
            .ToListAsync(http.RequestAborted));
    }

    public static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateApiKey(
        Guid clinicId, CreateApiKeyRequest request, HttpContext http, AllianceDbContext db)
    {
        if (await FindManagedClinicAsync(clinicId, http, db) is { } problem)
        {
            return problem;
        }

        var secret = ApiKeySecrets.NewKey();
        var key = new ApiKey
        {
            ClinicId = clinicId,
            Name = request.Name.Trim(),
            Prefix = ApiKeySecrets.PrefixOf(secret),
            KeyHash = ApiKeySecrets.Hash(secret),
            Roles = request.Roles.Distinct().Order(StringComparer.Ordinal).ToArray(),
        };
        db.ApiKeys.Add(key);
        return TypedResults.Created(
            $"/api/v1/clinics/{clinicId}/api-keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, secret, key.Prefix, key.Roles, clinicId));
    }

    public static async Task<Results<Ok<List<ApiKeyResponse>>, ProblemHttpResult>> ListApiKeys(
        Guid clinicId, HttpContext http, AllianceDbContext db)
    {
        if (await FindManagedClinicAsync(clinicId, http, db) is { } problem)
        {
            return problem;
        }

        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.ClinicId == clinicId)
            .OrderBy(k => k.CreatedAt)
            .Select(k => new ApiKeyResponse(k.Id, k.Name, k.Prefix, k.Roles, k.CreatedAt, k.RevokedAt))
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(keys);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeApiKey(
        Guid clinicId, Guid keyId, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        if (await FindManagedClinicAsync(clinicId, http, db) is { } problem)
        {
            return problem;
        }

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId && k.ClinicId == clinicId, http.RequestAborted);
        if (key is null)
        {
            return NotFoundProblems.ApiKey(keyId);
        }

        key.RevokedAt ??= clock.GetUtcNow();
        return TypedResults.NoContent();
    }

    /// <returns>A 404 when the caller may not manage the clinic or it does not exist (the two look the same), else null.</returns>
    private static async Task<ProblemHttpResult?> FindManagedClinicAsync(Guid clinicId, HttpContext http, AllianceDbContext db)
    {
        var caller = Caller.From(http.User);
        var exists = caller.MayManage(clinicId) && await db.Clinics.AnyAsync(c => c.Id == clinicId, http.RequestAborted);
        return exists ? null : NotFoundProblems.Clinic(clinicId);
    }
}
