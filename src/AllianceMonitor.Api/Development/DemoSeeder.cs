using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Development;

/// <summary>
/// <c>--seed-demo</c>: a clinic named "Demo clinic" filled with simulated patients (SessionSimulator), written
/// session by session through <see cref="SessionWriter"/> so alerts arise exactly as from a platform, then a new
/// clinician key to sign in with. Run again, it keeps the data and only prints a fresh key. Patients are written
/// by several workers at once (<c>Demo:Parallelism</c>), each patient in one transaction, so a large demo clinic
/// (the dashboard benchmark uses 10,000 patients) is seeded through the same path in minutes.
/// </summary>
public static class DemoSeeder
{
    public const string ClinicName = "Demo clinic";

    private static readonly string[] Modalities = ["video", "video", "video", "phone", "in_person"];

    /// <returns>The new clinician key (the one the dashboard signs in with).</returns>
    public static async Task<string> SeedAsync(IServiceProvider services, TextWriter console, CancellationToken cancellationToken, int patients = 30, ulong seed = 20261122, int parallelism = 1, Action<int>? onPatientWritten = null) =>
        (await SeedWithKeysAsync(services, console, cancellationToken, patients, seed, parallelism, onPatientWritten)).Clinician;

    /// <summary>Seeds (once) and prints the clinic's id and a new key per role, so every part of the documentation can be tried on the demo.</summary>
    /// <param name="onPatientWritten">Told how many patients are written so far, for the progress line of a first seeding.</param>
    public static async Task<DemoKeys> SeedWithKeysAsync(IServiceProvider services, TextWriter console, CancellationToken cancellationToken, int patients = 30, ulong seed = 20261122, int parallelism = 1, Action<int>? onPatientWritten = null)
    {
        Guid clinicId;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var clinic = await db.Clinics.FirstOrDefaultAsync(c => c.Name == ClinicName, cancellationToken);
            if (clinic is null)
            {
                clinic = new Clinic { Name = ClinicName };
                db.Clinics.Add(clinic);
                await db.SaveChangesAsync(cancellationToken);
                await WritePatientsAsync(services, clinic.Id, patients, seed, parallelism, onPatientWritten, cancellationToken);
                await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
                    () => scope.ServiceProvider.GetRequiredService<CalibrationStore>().RefitAsync(clinic.Id, CalibrationTrigger.DemoSeed, cancellationToken),
                    cancellationToken);
            }

            clinicId = clinic.Id;

            // So the quick start shows working WAI-SR, WAI-SR-T and SRS forms (marked as placeholder wording on every page).
            await PlaceholderPacks.AddMissingAsync(db, clinicId, DateTimeOffset.UtcNow, cancellationToken);
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            string NewKey(string role)
            {
                var secret = ApiKeySecrets.NewKey();
                db.ApiKeys.Add(new ApiKey
                {
                    ClinicId = clinicId,
                    Name = $"demo {role}",
                    Prefix = ApiKeySecrets.PrefixOf(secret),
                    KeyHash = ApiKeySecrets.Hash(secret),
                    Roles = [role],
                });
                return secret;
            }

            var keys = new DemoKeys(clinicId, NewKey(Roles.Admin), NewKey(Roles.Ingest), NewKey(Roles.Clinician), NewKey(Roles.Researcher));
            await db.SaveChangesAsync(cancellationToken);
            await console.WriteLineAsync($"""

                ==== AllianceMonitor: demo clinic ====
                Simulated patients are in "{ClinicName}", clinic id {keys.ClinicId}.
                Sign in to the dashboard (/login) with this clinician key: {keys.Clinician}

                New keys for the demo clinic, one per role (shown once, only their hashes are stored):
                    clinic admin  {keys.ClinicAdmin}   API keys, webhooks, settings
                    ingest        {keys.Ingest}   PUT patients and sessions
                    clinician     {keys.Clinician}   patients, alerts, the dashboard
                    researcher    {keys.Researcher}   export and /analysis

                ======================================

                """);
            return keys;
        }
    }

    private static async Task WritePatientsAsync(
        IServiceProvider services, Guid clinicId, int patients, ulong seed, int parallelism, Action<int>? onPatientWritten, CancellationToken cancellationToken)
    {
        var written = 0;
        var data = SessionSimulator.Simulate(patients, seed, new SimulationParameters(RuptureRate: 0.5, PatientsPerTherapist: 10));
        var today = DateOnly.FromDateTime(DateTime.UtcNow.Date);
        var byPatient = data.Observations.GroupBy(o => o.PatientId).Select((g, i) => (Patient: g, Index: i));
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(byPatient, options, async (item, ct) =>
        {
            var (patient, index) = item;
            await using var scope = services.CreateAsyncScope();
            var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
            await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(() => WritePatientAsync(writer, clinicId, patient, index, today, ct), ct);
            onPatientWritten?.Invoke(Interlocked.Increment(ref written));
        });
    }

    private static async Task WritePatientAsync(SessionWriter writer, Guid clinicId, IGrouping<string, SessionObservation> patient, int index, DateOnly today, CancellationToken ct)
    {
        // Weekly sessions ending within the last four months, so every demo course lies in the past whatever its size.
        var start = today.AddDays((-7 * (patient.Max(o => o.Session) - 1)) - (index * 3 % 120));
        foreach (var o in patient.OrderBy(o => o.Session))
        {
            var measurements = new List<MeasurementInput>();
            if (o.Alliance is { } alliance)
            {
                measurements.Add(new MeasurementInput("wai-sr", Items: Spread((int)Math.Round(alliance * 12), 12, 1, 5)));
            }

            if (o.Symptoms is { } phq)
            {
                measurements.Add(new MeasurementInput("phq-9", Items: Spread((int)phq, 9, 0, 3)));
            }

            var body = new SessionBody(start.AddDays(7 * (o.Session - 1)), Modalities[(index + o.Session) % Modalities.Length], o.TherapistId, measurements);
            await writer.PutAsync(clinicId, new PutSessionRequest(o.PatientId, o.Session, body), ct);
        }
    }

    /// <summary>Item responses within [min, max] that add up to <paramref name="total"/>.</summary>
    private static double[] Spread(int total, int count, int min, int max)
    {
        total = Math.Clamp(total, count * min, count * max);
        var extra = total - (count * min);
        return Enumerable.Range(0, count).Select(i => (double)(min + (extra / count) + (i < extra % count ? 1 : 0))).ToArray();
    }
}

/// <summary>The demo clinic and one fresh key per role for it.</summary>
public sealed record DemoKeys(Guid ClinicId, string ClinicAdmin, string Ingest, string Clinician, string Researcher);
