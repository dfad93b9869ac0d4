using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>One lagged question (a <see cref="LaggedModelDefinition"/>) as one estimator fits it.</summary>
public sealed record EstimatedModel(LaggedModelDefinition Question, Estimator Estimator)
{
    private InitialConditionsModel InitialConditions => new(Question);

    /// <summary>The joint model of this question (<see cref="Estimator.JointInitialConditions"/>).</summary>
    public JointModel Joint => new(Question);

    /// <summary>The catalog name for the person-mean-centred model; the other estimators add a suffix.</summary>
    public string Name => Estimator switch
    {
        Estimator.PersonMeanCentred => Question.Name,
        Estimator.InitialConditions => InitialConditions.Name,
        _ => Joint.Name,
    };

    public string Formula => Estimator switch
    {
        Estimator.PersonMeanCentred => Question.Formula,
        Estimator.InitialConditions => InitialConditions.Formula,
        _ => Joint.Formula,
    };

    /// <summary>The within-patient lagged effect of the predictor: the same term in the two single-equation estimators.</summary>
    public string WithinTerm => Estimator == Estimator.JointInitialConditions ? Joint.WithinTerm : Question.PredictorWithin;

    /// <summary>The outcome's own lagged coefficient (carry-over): centred in one estimator, raw in the others.</summary>
    public string CarryOverTerm => Estimator switch
    {
        Estimator.PersonMeanCentred => Question.OutcomeWithin,
        Estimator.InitialConditions => InitialConditions.LaggedOutcome,
        _ => Joint.CarryOverTerm,
    };

    /// <summary>The single-equation estimators' model; the joint one is fitted by <see cref="JointFitter"/> instead.</summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations) => Estimator switch
    {
        Estimator.PersonMeanCentred => LaggedDesign.Build(observations, Question),
        Estimator.InitialConditions => InitialConditionsDesign.Build(observations, InitialConditions),
        _ => throw new InvalidOperationException("The joint estimator is fitted by JointFitter, not as one mixed-model spec."),
    };

    /// <summary>Each question with each estimator, the question order kept and the estimators in the given order.</summary>
    public static IReadOnlyList<EstimatedModel> For(IEnumerable<LaggedModelDefinition> questions, IReadOnlyList<Estimator> estimators) =>
        questions.SelectMany(q => estimators.Select(e => new EstimatedModel(q, e))).ToArray();
}
