using System.Text.RegularExpressions;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using FluentValidation;

namespace AllianceMonitor.Api.Forms;

public sealed partial class CreateFormLinkValidator : AbstractValidator<CreateFormLinkRequest>
{
    public const int DefaultExpiresIn = 86_400;
    public const int MinExpiresIn = 300;
    public const int MaxExpiresIn = 30 * 86_400;
    public const int MaxInstruments = 6;

    /// <summary>Raters a form link can be for; an observer rates from recordings, not through a link.</summary>
    public static readonly IReadOnlyList<Rater> LinkRaters = [Rater.Client, Rater.Therapist];

    public CreateFormLinkValidator()
    {
        RuleFor(r => r.PatientId).Must(Identifiers.IsValid).OverridePropertyName("patientId").WithMessage(Identifiers.Rule);
        RuleFor(r => r.SessionNumber).InclusiveBetween(1, Vocabulary.MaxSessionNumber).OverridePropertyName("sessionNumber")
            .WithMessage($"must be a whole number from 1 to {Vocabulary.MaxSessionNumber}");
        RuleFor(r => r.Body.Rater)
            .Must(r => r is not null && StoredNames.TryParse<Rater>(r, out var rater) && LinkRaters.Contains(rater))
            .OverridePropertyName("rater").WithMessage($"must be one of {string.Join(", ", LinkRaters.Select(r => r.StoredName()))}");
        RuleFor(r => r.Body.Language).Must(l => l is null || FormLanguage.IsValid(l)).OverridePropertyName("language").WithMessage(FormLanguage.Rule);
        RuleFor(r => r.Body.ExpiresIn).InclusiveBetween(MinExpiresIn, MaxExpiresIn).When(r => r.Body.ExpiresIn is not null)
            .OverridePropertyName("expiresIn").WithMessage($"must be a number of seconds from {MinExpiresIn} to {MaxExpiresIn} (30 days)");
        RuleFor(r => r.Body.ReturnUrl).Must(u => u is null || FormOrigins.OriginOf(u) is not null).OverridePropertyName("returnUrl")
            .WithMessage("must be an absolute http or https URL without user name or password");
        RuleFor(r => r.Body.Instruments).Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("must name at least one instrument")
            .Must(i => i.Count <= MaxInstruments).WithMessage($"may name at most {MaxInstruments} instruments")
            .OverridePropertyName("instruments");
        RuleFor(r => r.Body).Custom(ValidateInstruments).When(r => r.Body.Instruments is { Count: > 0 and <= MaxInstruments });
    }

    private static void ValidateInstruments(FormLinkBody body, ValidationContext<CreateFormLinkRequest> context)
    {
        var seen = new HashSet<(string, string)>();
        var rater = StoredNames.TryParse<Rater>(body.Rater ?? "", out var parsed) ? parsed : (Rater?)null;
        for (var i = 0; i < body.Instruments.Count; i++)
        {
            var input = body.Instruments[i];
            var path = $"instruments[{i}]";
            var instrument = InstrumentCatalog.Find(input?.Instrument);
            if (input is null || instrument is null || instrument.TotalOnly)
            {
                context.AddFailure($"{path}.instrument",
                    $"must be one of {string.Join(", ", InstrumentCatalog.All.Where(d => !d.TotalOnly).Select(d => d.Code))} (licensed total-only measures have no form)");
                continue;
            }

            if (input.Timing is not null && !StoredNames.TryParse<Timing>(input.Timing, out _))
            {
                context.AddFailure($"{path}.timing", $"must be one of {string.Join(", ", StoredNames.All<Timing>())}");
                continue;
            }

            // The therapist's form is the therapist's; the client's alliance forms are the client's.
            if (rater is { } r && FormRaters.Expected(instrument) is var expected && expected != r)
            {
                context.AddFailure($"{path}.instrument", $"{instrument.Code} is rated by the {expected.StoredName()}, not the {r.StoredName()}");
            }

            if (!seen.Add((instrument.Code, input.Timing ?? instrument.DefaultTiming.StoredName())))
            {
                context.AddFailure(path, "repeats an instrument and timing already in this link");
            }
        }
    }
}

/// <summary>
/// Who a form is written for: the WAI-SR-T speaks from the therapist's side, every other form from the client's
/// (symptom and well-being measures are self-reports), so a link mixes no raters.
/// </summary>
public static class FormRaters
{
    public static Rater Expected(InstrumentDefinition instrument) =>
        instrument.Code == "wai-sr-t" ? Rater.Therapist : Rater.Client;
}

public static partial class FormLanguage
{
    public const string Rule = "must be a language tag such as en, de or pt-BR (2-16 characters)";

    public static bool IsValid(string? language) => language is { Length: <= 16 } && Pattern().IsMatch(language);

    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

public sealed class TextPackValidator : AbstractValidator<TextPackBody>
{
    public const int MaxTextLength = 500;

    public TextPackValidator()
    {
        RuleFor(p => p.Instrument).Must(i => InstrumentCatalog.Find(i) is { TotalOnly: false }).OverridePropertyName("instrument")
            .WithMessage($"must be one of {string.Join(", ", InstrumentCatalog.All.Where(d => !d.TotalOnly).Select(d => d.Code))}");
        RuleFor(p => p.Language).Must(FormLanguage.IsValid).OverridePropertyName("language").WithMessage(FormLanguage.Rule);
        RuleFor(p => p.Title).Must(t => IsText(t, 200)).OverridePropertyName("title").WithMessage("must be 1-200 characters without control characters");
        RuleFor(p => p.Instructions).Must(t => t is null || IsText(t, 1000)).OverridePropertyName("instructions")
            .WithMessage("must be 1-1000 characters without control characters");
        RuleFor(p => p).Custom(ValidateAgainstCatalog).When(p => InstrumentCatalog.Find(p.Instrument) is { TotalOnly: false });
    }

    private static void ValidateAgainstCatalog(TextPackBody pack, ValidationContext<TextPackBody> context)
    {
        var instrument = InstrumentCatalog.Find(pack.Instrument)!;
        if (pack.Items is null || pack.Items.Count != instrument.ItemCount)
        {
            context.AddFailure("items", $"{instrument.Code} has {instrument.ItemCount} items; the pack must give exactly {instrument.ItemCount} texts, in the catalog's order");
        }
        else
        {
            for (var i = 0; i < pack.Items.Count; i++)
            {
                if (!IsText(pack.Items[i], MaxTextLength))
                {
                    context.AddFailure($"items[{i}]", $"must be 1-{MaxTextLength} characters without control characters");
                }
            }
        }

        if (pack.Anchors is null)
        {
            context.AddFailure("anchors", "is required");
            return;
        }

        for (var i = 0; i < pack.Anchors.Count; i++)
        {
            if (pack.Anchors[i] is not { } anchor || !IsText(anchor.Label, 100))
            {
                context.AddFailure($"anchors[{i}].label", "must be 1-100 characters without control characters");
            }
        }

        var values = pack.Anchors.Where(a => a is not null).Select(a => a.Value).ToList();
        if (instrument.IntegerItems)
        {
            var expected = Enumerable.Range((int)instrument.ItemMin, (int)(instrument.ItemMax - instrument.ItemMin) + 1).Select(v => (double)v).ToList();
            if (values.Count != expected.Count || !values.Order().SequenceEqual(expected))
            {
                context.AddFailure("anchors", $"{instrument.Code} items take the whole numbers {instrument.ItemMin} to {instrument.ItemMax}: give one label for each of {string.Join(", ", expected)}");
            }
        }
        else if (values.Count != 2 || values.Min() != instrument.ItemMin || values.Max() != instrument.ItemMax)
        {
            context.AddFailure("anchors", $"{instrument.Code} items are rated on a line from {instrument.ItemMin} to {instrument.ItemMax}: give two labels, for {instrument.ItemMin} and for {instrument.ItemMax}");
        }
    }

    private static bool IsText(string? text, int max) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= max && !text.Any(char.IsControl);
}

public sealed class FormSettingsValidator : AbstractValidator<FormSettingsBody>
{
    public const int MaxOrigins = 20;

    public FormSettingsValidator()
    {
        RuleFor(s => s.FrameAncestors).NotNull().WithMessage("is required (it may be an empty list)")
            .Must(o => o is null || o.Count <= MaxOrigins).WithMessage($"may hold at most {MaxOrigins} origins").OverridePropertyName("frameAncestors");
        RuleFor(s => s.ReturnOrigins).NotNull().WithMessage("is required (it may be an empty list)")
            .Must(o => o is null || o.Count <= MaxOrigins).WithMessage($"may hold at most {MaxOrigins} origins").OverridePropertyName("returnOrigins");
        RuleForEach(s => s.FrameAncestors).Must(FormOrigins.IsOrigin).OverridePropertyName("frameAncestors").WithMessage(FormOrigins.Rule);
        RuleForEach(s => s.ReturnOrigins).Must(FormOrigins.IsOrigin).OverridePropertyName("returnOrigins").WithMessage(FormOrigins.Rule);
    }
}
