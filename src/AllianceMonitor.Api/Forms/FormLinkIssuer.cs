using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Forms;

/// <summary>What a new link is for: validated instruments in order, who rates, the language, how long, where to return.</summary>
public sealed record FormLinkOrder(
    Guid ClinicId, string PatientId, int SessionNumber, Rater Rater, string Language, IReadOnlyList<FormLinkInstrument> Instruments,
    TimeSpan ExpiresIn, string? ReturnUrl, Guid CreatedByKeyId);

/// <summary>
/// Makes a form link, for the API and for the dashboard's "Rate this session" alike: refuses when any instrument has
/// no wording in the language (so no link ever shows a broken form), else creates the patient if new, as a PUT would,
/// and adds the link with only its token's hash. The token is returned once, to be put in the URL.
/// </summary>
public sealed class FormLinkIssuer(AllianceDbContext db, PatientStore patients, TimeProvider clock)
{
    public async Task<(FormLink? Link, string? Token, IReadOnlyList<string> MissingWording)> IssueAsync(FormLinkOrder order, CancellationToken cancellationToken)
    {
        var wordings = await FormWordings.LoadAsync(db, order.ClinicId, order.Instruments.Select(i => i.Instrument), order.Language, cancellationToken);
        var missing = order.Instruments.Select(i => i.Instrument).Distinct().Where(code => !wordings.ContainsKey(code)).ToList();
        if (missing.Count > 0)
        {
            return (null, null, missing);
        }

        var (patient, _) = await patients.LockOrCreateAsync(order.ClinicId, order.PatientId, cancellationToken);
        var token = FormTokens.New();
        var now = Timestamps.Now(clock);
        var link = new FormLink
        {
            ClinicId = order.ClinicId,
            PatientId = patient.Id,
            SessionNumber = order.SessionNumber,
            Rater = order.Rater,
            Language = order.Language,
            TokenHash = FormTokens.Hash(token),
            Instruments = [.. order.Instruments],
            ReturnUrl = order.ReturnUrl,
            CreatedByKeyId = order.CreatedByKeyId,
            CreatedAt = now,
            ExpiresAt = now + order.ExpiresIn,
        };
        db.FormLinks.Add(link);
        return (link, token, []);
    }
}
