namespace AllianceMonitor.Analysis.Instruments;

/// <summary>
/// The instruments the service accepts. Ranges, subscales, cut-offs and reliable-change values follow the
/// primary sources listed in each row's <see cref="InstrumentDefinition.Reference"/>.
/// </summary>
public static class InstrumentCatalog
{
    /// <summary>SRS totals below this are an alliance concern in PCOMS practice (Duncan et al. 2003); the clinic setting's default.</summary>
    public const double SrsConcernThreshold = 36;

    private const string NhsTalkingTherapies = "NHS Talking Therapies for anxiety and depression manual (NHS England; formerly the IAPT manual)";

    private static readonly IReadOnlyList<Subscale> None = [];
    private static readonly IReadOnlyList<SeverityBand> NoBands = [];

    public static IReadOnlyList<InstrumentDefinition> All { get; } =
    [
        new("wai-sr", "Working Alliance Inventory, short revised (client)", Construct.Alliance, ScoreDirection.HigherIsBetter,
            ItemCount: 12, ItemMin: 1, ItemMax: 5, ItemStep: 1, Aggregation.Mean, TotalMin: 1, TotalMax: 5, DefaultTiming: Timing.Post,
            Subscales:
            [
                new("task", [1, 2, 10, 12]),
                new("goal", [4, 6, 8, 11]),
                new("bond", [3, 5, 7, 9]),
            ],
            NoBands,
            Reference: "Hatcher & Gillaspy (2006), Psychotherapy Research 16(1)",
            AlertLabel: "Alliance (WAI-SR)",
            // Item mean near 4.2 with a between-patient SD near .45 (ceiling-crowded ratings, Sagui-Henson et al. 2022)
            // and a within-patient SD of .30 (dependability about .77, Crits-Christoph et al. 2011, puts
            // within-patient variance near a quarter of the total).
            DefaultCalibration: new(GrandMean: 4.2, BetweenVariance: 0.45 * 0.45, WithinSd: 0.30, LowAllianceThreshold: 3.4)),
        // The therapist's form of the WAI-SR: the same twelve items, worded from the therapist's side, on the client form's
        // 1 (Seldom) to 5 (Always) scale, reported as the item mean with the same Task, Goal and Bond items, so a client's
        // and a therapist's rating of one session are numbers on one scale (docs/api.md, "The therapist's form").
        new("wai-sr-t", "Working Alliance Inventory, short revised (therapist)", Construct.Alliance, ScoreDirection.HigherIsBetter,
            ItemCount: 12, ItemMin: 1, ItemMax: 5, ItemStep: 1, Aggregation.Mean, TotalMin: 1, TotalMax: 5, DefaultTiming: Timing.Post,
            Subscales:
            [
                new("task", [1, 2, 10, 12]),
                new("goal", [4, 6, 8, 11]),
                new("bond", [3, 5, 7, 9]),
            ],
            NoBands,
            Reference: "Hatcher, Lindqvist & Falkenström (2020), Psychotherapy Research 30(6)",
            AlertLabel: "Alliance (WAI-SR-T, therapist)",
            // Stand-ins in the WAI-SR defaults' shape, a few tenths lower: therapists rate the alliance lower than their
            // clients (Hatcher et al. 2020; Tryon, Blackwell & Hammel 2007). A clinic's own calibration replaces them.
            DefaultCalibration: new(GrandMean: 3.9, BetweenVariance: 0.45 * 0.45, WithinSd: 0.30, LowAllianceThreshold: 3.1)),
        new("srs", "Session Rating Scale", Construct.Alliance, ScoreDirection.HigherIsBetter,
            ItemCount: 4, ItemMin: 0, ItemMax: 10, ItemStep: 0.1, Aggregation.Sum, TotalMin: 0, TotalMax: 40, DefaultTiming: Timing.Post,
            None, NoBands, ClinicalCutoff: SrsConcernThreshold,
            Reference: "Duncan et al. (2003), Journal of Brief Therapy 3(1)",
            AlertLabel: "Alliance (SRS)",
            // The WAI-SR defaults' shape on the SRS's 0-40 scale.
            DefaultCalibration: new(GrandMean: 35.5, BetweenVariance: 9.0, WithinSd: 2.5, LowAllianceThreshold: 30.0),
            Concern: new(SrsConcernThreshold, "SRS total", "PCOMS practice")),
        new("phq-9", "Patient Health Questionnaire-9", Construct.Symptoms, ScoreDirection.HigherIsWorse,
            ItemCount: 9, ItemMin: 0, ItemMax: 3, ItemStep: 1, Aggregation.Sum, TotalMin: 0, TotalMax: 27, DefaultTiming: Timing.Pre,
            None,
            [new(0, "minimal"), new(5, "mild"), new(10, "moderate"), new(15, "moderately severe"), new(20, "severe")],
            ReliableChange: 6, ClinicalCutoff: 10, Loinc: "44261-6",
            Reference: "Kroenke, Spitzer & Williams (2001)",
            AlertLabel: "Depression (PHQ-9)",
            ReliableChangeSource: NhsTalkingTherapies + ": reliable change is a change of 6 points or more",
            ClinicalCutoffSource: NhsTalkingTherapies + ": a case at 10 or more"),
        new("gad-7", "Generalized Anxiety Disorder-7", Construct.Symptoms, ScoreDirection.HigherIsWorse,
            ItemCount: 7, ItemMin: 0, ItemMax: 3, ItemStep: 1, Aggregation.Sum, TotalMin: 0, TotalMax: 21, DefaultTiming: Timing.Pre,
            None,
            [new(0, "minimal"), new(5, "mild"), new(10, "moderate"), new(15, "severe")],
            ReliableChange: 4, ClinicalCutoff: 8, Loinc: "70274-6",
            Reference: "Spitzer et al. (2006)",
            AlertLabel: "Anxiety (GAD-7)",
            ReliableChangeSource: NhsTalkingTherapies + ": reliable change is a change of 4 points or more",
            ClinicalCutoffSource: NhsTalkingTherapies + ": a case at 8 or more"),
        new("who-5", "WHO-5 Well-Being Index", Construct.WellBeing, ScoreDirection.HigherIsBetter,
            ItemCount: 5, ItemMin: 0, ItemMax: 5, ItemStep: 1, Aggregation.Sum, TotalMin: 0, TotalMax: 25, DefaultTiming: Timing.Pre,
            None,
            [new(0, "poor well-being"), new(13, "adequate well-being")],
            // The 10-point rule is stated on the percentage (raw x 4): 2.5 raw points. Raw totals are whole numbers, so a
            // change of 2 raw points (8 percentage points) is not reliable and one of 3 (12) is.
            ReliableChange: 2.5, ClinicalCutoff: 13,
            Reference: "Topp et al. (2015)",
            AlertLabel: "Well-being (WHO-5)",
            ReliableChangeSource: "Topp et al. (2015), Psychotherapy and Psychosomatics 84(3): a change of 10 points on the 0-100 percentage",
            ClinicalCutoffSource: "Topp et al. (2015), Psychotherapy and Psychosomatics 84(3): raw below 13 (percentage 50 or below) is poor well-being",
            PercentFactor: 4),
        new("ors", "Outcome Rating Scale", Construct.WellBeing, ScoreDirection.HigherIsBetter,
            ItemCount: 4, ItemMin: 0, ItemMax: 10, ItemStep: 0.1, Aggregation.Sum, TotalMin: 0, TotalMax: 40, DefaultTiming: Timing.Pre,
            None, NoBands, ReliableChange: 5, ClinicalCutoff: 25,
            Reference: "Miller et al. (2003)",
            AlertLabel: "Well-being (ORS)",
            ReliableChangeSource: "Miller et al. (2003), Journal of Brief Therapy 2(2): reliable change index 5 points",
            ClinicalCutoffSource: "Miller et al. (2003), Journal of Brief Therapy 2(2): clinical cut-off 25 (below it is the clinical range)"),
        new("core-10", "CORE-10", Construct.Symptoms, ScoreDirection.HigherIsWorse,
            ItemCount: 10, ItemMin: 0, ItemMax: 4, ItemStep: 1, Aggregation.Sum, TotalMin: 0, TotalMax: 40, DefaultTiming: Timing.Pre,
            None, NoBands, ReliableChange: 6, ClinicalCutoff: 11,
            Reference: "Barkham et al. (2013)",
            AlertLabel: "Distress (CORE-10)",
            // The paper's index is at 90% confidence, not the 95% of Jacobson & Truax's 1.96: it is the published value.
            ReliableChangeSource: "Barkham et al. (2013), Counselling and Psychotherapy Research 13(1): reliable change index 6 (90% CI)",
            ClinicalCutoffSource: "Barkham et al. (2013), Counselling and Psychotherapy Research 13(1): clinical cut-off 11 (11 or more is clinical)"),
        new("oq-45", "Outcome Questionnaire-45.2 (licensed: total only)", Construct.Symptoms, ScoreDirection.HigherIsWorse,
            ItemCount: 0, ItemMin: 0, ItemMax: 0, ItemStep: 1, Aggregation.Sum, TotalMin: 0, TotalMax: 180, DefaultTiming: Timing.Pre,
            None, NoBands, ReliableChange: 14, ClinicalCutoff: 64,
            Reference: "Lambert et al., OQ-45.2 manual",
            AlertLabel: "Distress (OQ-45)",
            ReliableChangeSource: "Lambert et al., OQ-45.2 administration and scoring manual: reliable change index 14 points",
            ClinicalCutoffSource: "Lambert et al., OQ-45.2 administration and scoring manual: cut-off 63/64 (64 or more is clinical)"),
    ];

    private static readonly Dictionary<string, InstrumentDefinition> ByCode =
        All.ToDictionary(i => i.Code, StringComparer.Ordinal);

    public static IEnumerable<string> Codes => ByCode.Keys;

    public static IReadOnlyList<InstrumentDefinition> Alliance { get; } = All.Where(i => i.MeasuresAlliance).ToArray();

    public static IReadOnlyList<InstrumentDefinition> Symptoms { get; } = All.Where(i => i.MeasuresSymptoms).ToArray();

    /// <summary>Symptom and well-being measures with a reliable-change value: the ones change status is judged on.</summary>
    public static IReadOnlyList<InstrumentDefinition> WithReliableChange { get; } =
        All.Where(i => i.MeasuresOutcome && i.ReliableChange is not null).ToArray();

    /// <summary>The alliance measure the export, the summary, the overview and the command line use unless told otherwise.</summary>
    public static InstrumentDefinition DefaultAlliance { get; } = ByCode["wai-sr"];

    /// <summary>The symptom measure the export, the summary and the overview use unless told otherwise.</summary>
    public static InstrumentDefinition DefaultSymptoms { get; } = ByCode["phq-9"];

    public static InstrumentDefinition? Find(string? code) =>
        code is not null && ByCode.TryGetValue(code, out var definition) ? definition : null;
}
