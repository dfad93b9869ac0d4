using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// Creates patients and therapists on first sight and serialises writes per patient. Platforms retry and
/// send in parallel; the row lock on the patient makes concurrent PUTs of one session queue instead of race.
/// </summary>
public sealed class PatientStore(AllianceDbContext db, TimeProvider clock)
{
    /// <returns>The patient, locked until the transaction ends, and whether this call created it.</returns>
    public async Task<(Patient Patient, bool Created)> LockOrCreateAsync(Guid clinicId, string externalId, CancellationToken cancellationToken)
    {
        // An erasure that commits between the insert (which found the patient) and the lock leaves nothing to lock:
        // this write then comes after the erasure, and the next round creates the patient anew (found by the fuzz test).
        for (var round = 1; ; round++)
        {
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO patients (id, clinic_id, external_id, created_at)
                VALUES ({Guid.CreateVersion7()}, {clinicId}, {externalId}, {clock.GetUtcNow()})
                ON CONFLICT (clinic_id, external_id) DO NOTHING
                """,
                cancellationToken);

            var patient = await db.Patients
                .FromSql($"SELECT * FROM patients WHERE clinic_id = {clinicId} AND external_id = {externalId} FOR UPDATE")
                .Include(p => p.Therapist)
                .SingleOrDefaultAsync(cancellationToken);
            if (patient is not null)
            {
                return (patient, inserted == 1);
            }

            if (round == 3)
            {
                throw new InvalidOperationException("The patient was erased three times while this write tried to lock it.");
            }
        }
    }

    public async Task<Therapist?> EnsureTherapistAsync(Guid clinicId, string? externalId, CancellationToken cancellationToken)
    {
        if (externalId is null)
        {
            return null;
        }

        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO therapists (id, clinic_id, external_id)
            VALUES ({Guid.CreateVersion7()}, {clinicId}, {externalId})
            ON CONFLICT (clinic_id, external_id) DO NOTHING
            """,
            cancellationToken);
        return await db.Therapists.SingleAsync(t => t.ClinicId == clinicId && t.ExternalId == externalId, cancellationToken);
    }

    /// <summary>Finds a patient of the caller's clinic; another clinic's patient is indistinguishable from none.</summary>
    public Task<Patient?> FindAsync(Guid clinicId, string externalId, CancellationToken cancellationToken) =>
        db.Patients.Include(p => p.Therapist)
            .SingleOrDefaultAsync(p => p.ClinicId == clinicId && p.ExternalId == externalId, cancellationToken);
}
