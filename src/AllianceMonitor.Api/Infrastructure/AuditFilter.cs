using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// One request, one transaction, one audit entry. The handler's writes and the audit entry commit together;
/// a handler that answers with an error has its writes rolled back and only the audit entry of the attempt is kept.
/// </summary>
public sealed class AuditFilter(string action) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var db = http.RequestServices.GetRequiredService<AllianceDbContext>();
        var caller = Caller.From(http.User);
        var patientRef = http.Request.RouteValues.TryGetValue("patientId", out var value) ? value as string : null;
        if (patientRef is not null && !Identifiers.IsValid(patientRef))
        {
            // Not an identifier the service could hold, so not one to store in the audit log either: the attempt is
            // recorded without it.
            await RecordAsync(db, caller, null, StatusCodes.Status400BadRequest);
            return PatientRoute.Invalid();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            await RecordAsync(db, caller, patientRef, StatusCodes.Status500InternalServerError);
            throw;
        }

        var outcome = StatusOf(result);
        if (outcome < 400)
        {
            db.AuditLog.Add(Entry(caller, patientRef, outcome));
            await db.SaveChangesAsync(http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
        }
        else
        {
            await transaction.RollbackAsync(http.RequestAborted);
            await RecordAsync(db, caller, patientRef, outcome);
        }

        return result;
    }

    private async Task RecordAsync(AllianceDbContext db, Caller caller, string? patientRef, int outcome)
    {
        db.ChangeTracker.Clear();
        db.AuditLog.Add(Entry(caller, patientRef, outcome));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private AuditEntry Entry(Caller caller, string? patientRef, int outcome) => new()
    {
        ApiKeyId = caller.KeyId,
        ClinicId = caller.ClinicId,
        Action = action,
        PatientRef = patientRef,
        Outcome = outcome,
    };

    private static int StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: { } code } => code,
        _ => StatusCodes.Status200OK,
    };
}

public static class AuditFilterExtensions
{
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action) =>
        builder.AddEndpointFilter(new AuditFilter(action));
}
