using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// Reads the per-clinic change counter (<see cref="ClinicChangeCounter"/>) that the database's triggers keep: a few
/// rows per clinic, however many sessions it has.
/// </summary>
public static class ClinicChanges
{
    private const string CountSql = "SELECT coalesce(sum(changes), 0)::bigint FROM clinic_change_counters WHERE clinic_id = @clinic";

    /// <summary>Committed changes to the clinic's data so far; grows with every write that changes what analysis sees.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, Guid clinicId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(CountSql);
        command.Parameters.AddWithValue("clinic", clinicId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Records, inside the refit's transaction, the count the refit is about to read the data at. Called before the
    /// ratings are read: a write committed in between is then in the fit and counted again for the next one, never missed.
    /// </summary>
    public static Task MarkRefitAsync(AllianceDbContext db, Guid clinicId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO clinic_refit_marks (clinic_id, changes_at_refit)
            SELECT {clinicId}, coalesce(sum(c.changes), 0) FROM clinic_change_counters c WHERE c.clinic_id = {clinicId}
            ON CONFLICT (clinic_id) DO UPDATE SET changes_at_refit = excluded.changes_at_refit
            """,
            cancellationToken);

    /// <summary>Every clinic with changes since its last refit, and how many.</summary>
    public static Task<List<ClinicChangeCount>> SinceRefitAsync(AllianceDbContext db, CancellationToken cancellationToken) =>
        // Result columns in snake_case, as the naming convention maps ClinicChangeCount's properties.
        db.Database.SqlQuery<ClinicChangeCount>(
            $"""
            SELECT c.clinic_id, c.changes - coalesce(m.changes_at_refit, 0) AS changes
            FROM (SELECT clinic_id, sum(changes)::bigint AS changes FROM clinic_change_counters GROUP BY clinic_id) c
            LEFT JOIN clinic_refit_marks m ON m.clinic_id = c.clinic_id
            WHERE c.changes > coalesce(m.changes_at_refit, 0)
            """).ToListAsync(cancellationToken);
}

public sealed record ClinicChangeCount(Guid ClinicId, long Changes);
