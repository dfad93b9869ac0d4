using System.Globalization;
using System.Text;
using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Patients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Dashboard.DashboardHtml;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The clinic's patients, a page at a time and searchable by id, and one patient's course.</summary>
internal static class PatientPages
{
    public const int PageSize = 100;

    private static readonly JsonSerializerOptions ChartJson = new(JsonSerializerDefaults.Web);

    public static async Task<IResult> List(HttpContext http, AllianceDbContext db, string? q, string? page)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        var search = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var pageNumber = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

        var query = db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId);
        if (search is not null)
        {
            // A prefix match on the pseudonymous id: platform ids are opaque codes, so "starts with" is what staff type.
            query = query.Where(p => p.ExternalId.StartsWith(search));
        }

        var total = await query.CountAsync(http.RequestAborted);
        pageNumber = Math.Min(pageNumber, Math.Max(1, (total + PageSize - 1) / PageSize));
        var patients = await query.OrderBy(p => p.ExternalId).Skip((pageNumber - 1) * PageSize).Take(PageSize)
            .Select(p => new
            {
                p.ExternalId,
                Therapist = p.Therapist == null ? null : p.Therapist.ExternalId,
                Sessions = p.Sessions.Count,
                Last = p.Sessions.Max(s => s.OccurredOn),
                Active = db.Alerts.Count(a => a.PatientId == p.Id && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)),
            })
            .ToListAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.patients.list", null, StatusCodes.Status200OK);

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <h1>Patients</h1>
            <form method="get" action="/patients" class="filters" role="search" aria-label="Find a patient">
            <div><label for="q">Patient id starts with</label><input id="q" name="q" type="search" value="{H(search)}" autocomplete="off" spellcheck="false"></div>
            <button type="submit">Find</button>
            </form>
            <table class="data" id="patients"><caption>{(search is null ? "Patients of this clinic" : $"Patients whose id starts with “{H(search)}”")}, by pseudonymous id ({total})</caption>
            <thead><tr><th scope="col">Patient</th><th scope="col">Therapist</th><th scope="col">Sessions</th><th scope="col">Last session</th><th scope="col">Alerts needing attention</th></tr></thead><tbody>
            """);
        foreach (var p in patients)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row"><a href="/patients/{Uri.EscapeDataString(p.ExternalId)}">{H(p.ExternalId)}</a></th><td>{H(p.Therapist ?? "–")}</td><td>{p.Sessions}</td><td>{H(p.Last?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–")}</td><td>{p.Active}</td></tr>""");
        }

        body.Append("</tbody></table>");
        body.Append(Pager("patients", pageNumber, total, PageSize, n => "/patients?" + string.Join("&", new[]
        {
            search is null ? null : "q=" + Uri.EscapeDataString(search),
            "page=" + n.ToString(CultureInfo.InvariantCulture),
        }.Where(x => x is not null))));
        return Page(http, "Patients", "patients", body.ToString());
    }

    public static async Task<IResult> Patient(string patientId, HttpContext http, AllianceDbContext db, CalibrationStore calibrations)
    {
        var caller = Caller.From(http.User);
        var trajectoryResult = await TrajectoryEndpoint.GetTrajectory(patientId, http, db, calibrations);
        if (trajectoryResult.Result is not Ok<TrajectoryResponse> { Value: { } trajectory })
        {
            return Page(http, "Not found", "patients", $"""<h1>Patient not found</h1><p>No patient {H(patientId)} in this clinic.</p><p><a href="/patients">All patients</a></p>""", StatusCodes.Status404NotFound);
        }

        var sessions = await db.Patients.AsNoTracking()
            .Where(p => p.ClinicId == caller.ClinicId && p.ExternalId == patientId)
            .SelectMany(p => p.Sessions)
            .OrderBy(s => s.Number)
            .Select(s => new { s.Number, s.OccurredOn, s.Modality })
            .ToListAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, caller.ClinicId, "dashboard.patient.read", patientId, StatusCodes.Status200OK);

        var alliance = trajectory.Alliance.OrderBy(a => a.Instrument == InstrumentCatalog.DefaultAlliance.Code ? 0 : 1).ThenBy(a => a.Rater == Rater.Client ? 0 : 1).FirstOrDefault();
        var symptoms = trajectory.Symptoms.OrderBy(s => s.Instrument == InstrumentCatalog.DefaultSymptoms.Code ? 0 : 1).ThenBy(s => s.Rater == Rater.Client ? 0 : 1).FirstOrDefault();
        var points = alliance?.Points.ToDictionary(p => p.Session) ?? [];
        var scores = symptoms?.Points.ToDictionary(p => p.Session) ?? [];
        var alertsBySession = trajectory.Alerts.ToLookup(a => a.Session);
        var numbers = sessions.Select(s => s.Number).Union(points.Keys).Union(scores.Keys).Order().ToList();
        var modality = sessions.ToDictionary(s => s.Number, s => s.Modality);

        var ruptures = trajectory.Alerts.Where(a => a.Kind == AlertKind.Rupture && (alliance is null || (a.Instrument == alliance.Instrument && a.Rater == alliance.Rater))).ToList();
        var chart = new
        {
            instrument = alliance?.Instrument,
            rater = alliance?.Rater,
            symptomInstrument = symptoms?.Instrument,
            sessions = numbers,
            modality = numbers.Select(n => modality.GetValueOrDefault(n)).ToList(),
            value = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            baseline = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Baseline : null).ToList(),
            bandLower = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandLower : null).ToList(),
            bandUpper = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandUpper : null).ToList(),
            symptoms = numbers.Select(n => scores.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            ruptures = ruptures.Select(a => new { session = a.Session, status = a.RuptureStatus }).ToList(),
            repairs = ruptures.Where(a => a.RuptureStatus == RuptureStatus.Repaired && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
            unrepaired = ruptures.Where(a => a.RuptureStatus == RuptureStatus.Unrepaired && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
        };

        var summary = alliance is null
            ? "No alliance ratings yet."
            : $"{numbers.Count} sessions; {ruptures.Count} rupture(s): {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Repaired)} repaired, {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Unrepaired)} unrepaired, {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Open)} open.";
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="/patients">← All patients</a></p>
            <h1>Patient {H(trajectory.PatientId)}</h1>
            <p class="meta">Therapist {H(trajectory.TherapistId ?? "unknown")}{(alliance is null ? "" : $" · alliance: {H(alliance.Instrument)} ({H(alliance.Rater.StoredName())}), calibration v{alliance.CalibrationVersion}{(alliance.DefaultCalibration ? " (default)" : "")}, within-patient SD {N(alliance.WithinSd)}")}</p>
            <p id="patient-summary">{H(summary)}</p>
            <figure class="chart">
            <div class="chart-box"><canvas id="alliance-chart" role="img" aria-label="Alliance by session with the patient's baseline and alert band, rupture and repair markers, and {H(symptoms?.Instrument ?? "symptom")} scores on a second axis. The same numbers are in the table below."></canvas></div>
            <figcaption>Alliance ({H(alliance?.Instrument ?? "none")}) per session, the baseline from earlier sessions (shrunken person mean) and the band outside which a change is flagged; ▼ marks a rupture, ● a repair, ✕ a rupture found unrepaired. {H(symptoms?.Instrument ?? "Symptoms")} on the right axis (higher is worse).</figcaption>
            </figure>
            <script type="application/json" id="chart-data">{JsonSerializer.Serialize(chart, ChartJson)}</script>
            <div class="table-scroll"><table class="data" id="session-table"><caption>Sessions</caption>
            <thead><tr><th scope="col">Session</th><th scope="col">Date</th><th scope="col">Modality</th><th scope="col">Alliance</th><th scope="col">Baseline</th><th scope="col">Band</th><th scope="col">Deviation (SDs)</th><th scope="col">{H(symptoms?.Instrument ?? "Symptoms")}</th><th scope="col">Alerts</th></tr></thead><tbody>
            """);
        foreach (var n in numbers)
        {
            points.TryGetValue(n, out var p);
            scores.TryGetValue(n, out var sc);
            var date = sessions.FirstOrDefault(s => s.Number == n)?.OccurredOn;
            var alertText = string.Join("; ", alertsBySession[n].Select(a => $"{a.Kind.Label().ToLowerInvariant()} ({a.Status.StoredName()}{(a.RuptureStatus is { } r ? ", " + r.StoredName() : "")})"));
            var band = p?.BandLower is { } lo && p.BandUpper is { } hi ? $"{N(lo)}–{N(hi)}" : "–";
            body.Append(CultureInfo.InvariantCulture, $"""<tr{(p?.InRupture == true ? " class=\"in-rupture\"" : "")}><th scope="row">{n}</th><td>{H(date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–")}</td><td>{H(modality.GetValueOrDefault(n) ?? "–")}</td><td>{N(p?.Value)}</td><td>{N(p?.Baseline)}</td><td>{band}</td><td>{N(p?.DeviationSds, "+0.0;-0.0;0.0")}</td><td>{N(sc?.Value, "0")}</td><td>{H(alertText)}</td></tr>""");
        }

        body.Append("</tbody></table></div>");
        var script = """<script src="/lib/chartjs/chart.umd.min.js"></script><script src="/js/patient-chart.js"></script>""";
        return Page(http, $"Patient {trajectory.PatientId}", "patients", body.ToString(), script: script);
    }
}
