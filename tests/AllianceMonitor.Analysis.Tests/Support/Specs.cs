using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Support;

/// <summary>The model of a fixture fit, built by the production code path.</summary>
public static class Specs
{
    private const string NestedSuffix = "_nested";

    public static MixedModelSpec For(string dataset, string modelName)
    {
        var rows = Lme4Fixture.Observations(dataset).ToArray();
        if (modelName.EndsWith(NestedSuffix, StringComparison.Ordinal))
        {
            return Nested(dataset, modelName).Spec;
        }

        return modelName == "null_model"
            ? NullModel.BuildSpec(rows)
            : LaggedDesign.Build(rows, ModelCatalog.Find(modelName)!);
    }

    public static FitMethod Method(string method) => method == "REML" ? FitMethod.Reml : FitMethod.Ml;

    /// <summary>The objective lme4's devFunOnly returns, for either kind of model.</summary>
    public static Func<double[], double> Objective(string dataset, string modelName, string method)
    {
        if (modelName.EndsWith(NestedSuffix, StringComparison.Ordinal))
        {
            var design = Nested(dataset, modelName);
            var nested = new NestedProfiledDeviance(design.Spec, NestedLaggedDesign.TherapistGroupName, design.Therapists);
            return theta => nested.Evaluate(theta, Method(method));
        }

        var deviance = new ProfiledDeviance(For(dataset, modelName));
        return theta => deviance.Evaluate(theta, Method(method));
    }

    public static MixedModelFit Fit(string dataset, string modelName, string method)
    {
        if (modelName.EndsWith(NestedSuffix, StringComparison.Ordinal))
        {
            var design = Nested(dataset, modelName);
            return MixedModelFitter.FitNested(design.Spec, NestedLaggedDesign.TherapistGroupName, design.Therapists, Method(method));
        }

        return MixedModelFitter.Fit(For(dataset, modelName), Method(method));
    }

    private static NestedLaggedDesign Nested(string dataset, string modelName) => LaggedDesign.BuildNested(
        Lme4Fixture.Observations(dataset).ToArray(),
        ModelCatalog.Find(modelName[..^NestedSuffix.Length])!);
}
