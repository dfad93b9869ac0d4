using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Calibrations;

public sealed class AutomaticRefitOptions
{
    /// <summary>How often to look for clinics with enough new sessions; a refit is never urgent.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Refits a clinic's calibration after its <c>refitEvery</c> new or changed sessions. It runs beside the request
/// path, not in it: a fit over a large clinic takes longer than a session PUT may.
/// </summary>
public sealed partial class AutomaticRefit(
    IServiceScopeFactory scopes, IOptions<AutomaticRefitOptions> options, DatabaseOutage outage, ILogger<AutomaticRefit> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        do
        {
            try
            {
                await RefitDueClinicsAsync(stoppingToken);
            }
            catch (Exception e) when (DatabaseUnavailable.IsOutage(e))
            {
                outage.Report(e);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Automatic refit failed; it will be tried again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Refits every due clinic, each on its own: one clinic that fails is logged by id and the others go on.</summary>
    /// <returns>The clinics whose refit failed this round.</returns>
    public async Task<List<Guid>> RefitDueClinicsAsync(CancellationToken cancellationToken)
    {
        var failed = new List<Guid>();
        foreach (var clinicId in await DueClinicsAsync(cancellationToken))
        {
            try
            {
                await RefitClinicAsync(clinicId, cancellationToken);
            }
            catch (Exception e) when (DatabaseUnavailable.IsOutage(e))
            {
                // Every clinic would fail the same way; the next round tries them all again.
                outage.Report(e);
                failed.Add(clinicId);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failed.Add(clinicId);
                LogClinicFailed(logger, clinicId, e);
            }
        }

        return failed;
    }

    private async Task RefitClinicAsync(Guid clinicId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var refitted = await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
            async () =>
            {
                // One refitter per clinic at a time, across service instances; the others skip it this round.
                var locked = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock(hashtext({clinicId.ToString()})) AS \"Value\"")
                    .SingleAsync(cancellationToken);
                return locked
                    ? await scope.ServiceProvider.GetRequiredService<CalibrationStore>().RefitAsync(clinicId, CalibrationTrigger.Auto, cancellationToken)
                    : null;
            },
            _ => StatusCodes.Status200OK,
            cancellationToken);
        if (refitted is { } records)
        {
            LogRefitted(logger, clinicId, records.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refitted clinic {ClinicId}: {Series} series")]
    private static partial void LogRefitted(ILogger logger, Guid clinicId, int series);

    [LoggerMessage(Level = LogLevel.Error, Message = "Automatic refit of clinic {ClinicId} failed; the other clinics went on and it is tried again next round")]
    private static partial void LogClinicFailed(ILogger logger, Guid clinicId, Exception exception);

    /// <summary>
    /// Clinics with at least as many changes since their last refit as their refitEvery setting asks: the change
    /// counter the write path keeps (<see cref="ClinicChanges"/>), a few rows per clinic, not a count of its sessions.
    /// </summary>
    private async Task<List<Guid>> DueClinicsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var changed = await ClinicChanges.SinceRefitAsync(db, cancellationToken);
        if (changed.Count == 0)
        {
            return [];
        }

        var clinics = changed.Select(c => c.ClinicId).ToList();
        var settings = await db.ClinicSettings.AsNoTracking().Where(s => clinics.Contains(s.ClinicId))
            .ToDictionaryAsync(s => s.ClinicId, s => s.Detector.RefitEvery, cancellationToken);
        return changed.Where(c => c.Changes >= settings.GetValueOrDefault(c.ClinicId, DetectorSettings.Default.RefitEvery))
            .Select(c => c.ClinicId).ToList();
    }
}
