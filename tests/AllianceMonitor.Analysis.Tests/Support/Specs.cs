using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Support;

/// <summary>The model specification of a fixture fit, built by the production code path.</summary>
public static class Specs
{
    public static MixedModelSpec For(string dataset, string modelName)
    {
        var rows = Lme4Fixture.Observations(dataset).ToArray();
        return modelName == "null_model"
            ? NullModel.BuildSpec(rows)
            : LaggedDesign.Build(rows, ModelCatalog.Find(modelName)!);
    }

    public static FitMethod Method(string method) => method == "REML" ? FitMethod.Reml : FitMethod.Ml;
}
