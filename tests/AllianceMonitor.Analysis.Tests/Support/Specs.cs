using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Support;

/// <summary>The model of a fixture fit, built by the production code path.</summary>
public static class Specs
{
    private const string NestedSuffix = "_nested";
    private const string InitialConditionsSuffix = "_initial_conditions";

    public static MixedModelSpec For(string dataset, string modelName)
    {
        var rows = Lme4Fixture.Observations(dataset).ToArray();
        if (modelName.EndsWith(NestedSuffix, StringComparison.Ordinal))
        {
            return LaggedDesign.BuildNested(rows, ModelCatalog.Find(modelName[..^NestedSuffix.Length])!);
        }

        if (modelName.EndsWith(InitialConditionsSuffix, StringComparison.Ordinal))
        {
            return new EstimatedModel(ModelCatalog.Find(modelName[..^InitialConditionsSuffix.Length])!, Estimator.InitialConditions).Build(rows);
        }

        if (modelName == AgreementModel.Name)
        {
            return AgreementDesign.Build(rows);
        }

        return modelName == "null_model"
            ? NullModel.BuildSpec(rows)
            : LaggedDesign.Build(rows, ModelCatalog.Find(modelName)!);
    }

    public static FitMethod Method(string method) => method == "REML" ? FitMethod.Reml : FitMethod.Ml;

    /// <summary>The objective lme4's devFunOnly returns, for either kind of model.</summary>
    public static Func<double[], double> Objective(string dataset, string modelName, string method) =>
        new ProfiledDeviance(For(dataset, modelName)).Objective(Method(method));

    public static MixedModelFit Fit(string dataset, string modelName, string method) =>
        MixedModelFitter.Fit(For(dataset, modelName), Method(method));
}
