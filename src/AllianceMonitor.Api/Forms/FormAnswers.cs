using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// Reads the answers a form page posted: field <c>a{position}_{item}</c> for each item of each instrument of the steps
/// done so far. Only values the instrument can take are kept; anything else counts as unanswered, so a tampered post
/// is asked again rather than stored.
/// </summary>
public static class FormAnswers
{
    public static Dictionary<string, string> Read(IFormCollection form, IEnumerable<FormLinkInstrument> instruments)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in instruments)
        {
            var definition = InstrumentCatalog.Find(entry.Instrument)!;
            for (var item = 1; item <= definition.ItemCount; item++)
            {
                var name = FormStepModel.FieldName(entry.Position, item);
                if (form.TryGetValue(name, out var values) && values.Count == 1 && Parse(definition, values[0]) is { } value)
                {
                    answers[name] = value.ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        return answers;
    }

    /// <returns>The one-based numbers of the instrument's items without a usable answer.</returns>
    public static List<int> Unanswered(IReadOnlyDictionary<string, string> answers, FormLinkInstrument entry)
    {
        var definition = InstrumentCatalog.Find(entry.Instrument)!;
        return Enumerable.Range(1, definition.ItemCount).Where(i => !answers.ContainsKey(FormStepModel.FieldName(entry.Position, i))).ToList();
    }

    public static double[] Items(IReadOnlyDictionary<string, string> answers, FormLinkInstrument entry)
    {
        var definition = InstrumentCatalog.Find(entry.Instrument)!;
        return Enumerable.Range(1, definition.ItemCount)
            .Select(i => double.Parse(answers[FormStepModel.FieldName(entry.Position, i)], CultureInfo.InvariantCulture))
            .ToArray();
    }

    private static double? Parse(InstrumentDefinition definition, string? text)
    {
        // A phone keyboard in some locales offers a decimal comma.
        if (string.IsNullOrWhiteSpace(text) || text.Length > 8
            || !double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        return InstrumentScorer.Validate(definition, [.. Enumerable.Repeat(value, definition.ItemCount)], null).Count == 0
            ? InstrumentScorer.NormalizeItems(definition, [value])[0]
            : null;
    }
}
