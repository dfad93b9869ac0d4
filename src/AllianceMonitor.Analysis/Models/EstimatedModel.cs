using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>One lagged question (a <see cref="LaggedModelDefinition"/>) as one estimator fits it.</summary>
public sealed record EstimatedModel(LaggedModelDefinition Question, Estimator Estimator)
{
    private InitialConditionsModel InitialConditions => new(Question);

    /// <summary>The catalog name for the person-mean-centred model; the initial-conditions one adds a suffix.</summary>
    public string Name => Estimator == Estimator.PersonMeanCentred ? Question.Name : InitialConditions.Name;

    public string Formula => Estimator == Estimator.PersonMeanCentred ? Question.Formula : InitialConditions.Formula;

    /// <summary>The within-patient lagged effect of the predictor: the same term in both estimators.</summary>
    public string WithinTerm => Question.PredictorWithin;

    /// <summary>The outcome's own lagged coefficient (carry-over): centred in one estimator, raw in the other.</summary>
    public string CarryOverTerm => Estimator == Estimator.PersonMeanCentred ? Question.OutcomeWithin : InitialConditions.LaggedOutcome;

    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations) =>
        Estimator == Estimator.PersonMeanCentred
            ? LaggedDesign.Build(observations, Question)
            : InitialConditionsDesign.Build(observations, InitialConditions);

    /// <summary>Each question with each estimator, the question order kept and the estimators in the given order.</summary>
    public static IReadOnlyList<EstimatedModel> For(IEnumerable<LaggedModelDefinition> questions, IReadOnlyList<Estimator> estimators) =>
        questions.SelectMany(q => estimators.Select(e => new EstimatedModel(q, e))).ToArray();
}
