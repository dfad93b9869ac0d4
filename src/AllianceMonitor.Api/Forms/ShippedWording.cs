using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// The wording the service ships, only for measures whose authors allow it to be reproduced without permission:
/// PHQ-9 and GAD-7 (Kroenke, Spitzer &amp; Williams 2001; Spitzer et al. 2006; developed with a grant from Pfizer, no
/// permission required to reproduce, translate, display or distribute) and WHO-5 (Topp et al. 2015; free to use with
/// its reference). Copyrighted or licensed measures (WAI-SR, WAI-SR-T, SRS, ORS) come from a clinic's text pack.
/// </summary>
public static class ShippedWording
{
    public const string Language = "en";

    private static readonly ResponseAnchor[] Frequency =
    [
        new(0, "Not at all"),
        new(1, "Several days"),
        new(2, "More than half the days"),
        new(3, "Nearly every day"),
    ];

    private static readonly Dictionary<string, FormWording> ByInstrument = new(StringComparer.Ordinal)
    {
        ["phq-9"] = new(
            "PHQ-9",
            "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
            [
                "Little interest or pleasure in doing things",
                "Feeling down, depressed, or hopeless",
                "Trouble falling or staying asleep, or sleeping too much",
                "Feeling tired or having little energy",
                "Poor appetite or overeating",
                "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
                "Trouble concentrating on things, such as reading the newspaper or watching television",
                "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
                "Thoughts that you would be better off dead or of hurting yourself in some way",
            ],
            Frequency),
        ["gad-7"] = new(
            "GAD-7",
            "Over the last 2 weeks, how often have you been bothered by the following problems?",
            [
                "Feeling nervous, anxious or on edge",
                "Not being able to stop or control worrying",
                "Worrying too much about different things",
                "Trouble relaxing",
                "Being so restless that it is hard to sit still",
                "Becoming easily annoyed or irritable",
                "Feeling afraid as if something awful might happen",
            ],
            Frequency),
        ["who-5"] = new(
            "WHO-5 Well-Being Index",
            "Please indicate for each of the five statements which is closest to how you have been feeling over the last two weeks.",
            [
                "I have felt cheerful and in good spirits",
                "I have felt calm and relaxed",
                "I have felt active and vigorous",
                "I woke up feeling fresh and rested",
                "My daily life has been filled with things that interest me",
            ],
            [
                new(5, "All of the time"),
                new(4, "Most of the time"),
                new(3, "More than half of the time"),
                new(2, "Less than half of the time"),
                new(1, "Some of the time"),
                new(0, "At no time"),
            ]),
    };

    public static IEnumerable<string> Instruments => ByInstrument.Keys;

    public static FormWording? Find(string instrument, string language) =>
        language == Language && ByInstrument.TryGetValue(instrument, out var wording) ? wording : null;
}
