using System.Globalization;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>The one profiled deviance with nested terms, against the deleted two-level code, a dense computation and the one-term path.</summary>
public sealed class NestedAgreementTests
{
    /// <summary>Rows of tests/fixtures/nested/objectives_b029247.csv (see its README).</summary>
    public static TheoryData<string, string, string, string, double> PreviousCode()
    {
        var data = new TheoryData<string, string, string, string, double>();
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "nested", "objectives_b029247.csv");
        foreach (var f in CsvText.FileRecords(path).Skip(1))
        {
            data.Add(f[0], f[1], f[2], f[3], double.Parse(f[4], CultureInfo.InvariantCulture));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PreviousCode))]
    public void Nested_objective_equals_the_previous_nested_code(string dataset, string model, string method, string theta, double expected)
    {
        var point = theta.Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        var deviance = new ProfiledDeviance(NestedSpec(dataset, model));

        Tolerance.Close(expected, deviance.Evaluate(point, Specs.Method(method)), 1e-10, 0, "objective");
    }

    [Theory]
    [InlineData("alliance_to_symptoms_nested", FitMethod.Reml, new[] { 1.3, -0.2, 0.4, 0.7 })]
    [InlineData("alliance_to_symptoms_nested", FitMethod.Ml, new[] { 0.6, 0.3, 0.0, 1.9 })]
    [InlineData("symptoms_to_alliance_nested", FitMethod.Reml, new[] { 0.9, 0.05, 0.2, 0.0 })]
    [InlineData("therapist_share", FitMethod.Ml, new[] { 1.2, 0.5 })]
    [InlineData("therapist_share", FitMethod.Reml, new[] { 0.0, 1.1 })]
    public void Nested_objective_equals_dense_marginal_objective(string model, FitMethod method, double[] theta)
    {
        var spec = NestedSpec("small", model);

        Tolerance.Close(MarginalDeviance.Evaluate(spec, theta, method), new ProfiledDeviance(spec).Evaluate(theta, method), 1e-10, 1e-9, "objective");
    }

    [Theory]
    [InlineData(FitMethod.Reml)]
    [InlineData(FitMethod.Ml)]
    public void With_no_therapist_variance_the_nested_objective_equals_the_one_term_objective(FitMethod method)
    {
        // With a zero outer SD the therapist term adds nothing: the coupling terms of the kernel must vanish exactly.
        var nested = NestedSpec("therapists", "alliance_to_symptoms_nested");
        var inner = nested.RandomEffects[0];
        var fixedTerms = nested.FixedTerms.Select((t, c) => (t, (IReadOnlyList<double>)nested.FixedColumn(c).ToArray())).ToArray();
        var oneTerm = MixedModelSpec.Create(
            nested.ResponseName,
            nested.Response.ToArray(),
            fixedTerms,
            inner.Terms.Select((t, c) => (t, (IReadOnlyList<double>)inner.Column(c).ToArray())).ToArray(),
            inner.GroupName,
            inner.GroupIndex.ToArray().Select(g => inner.Levels[g]).ToArray());

        double[][] thetas = [[1.0, 0.0, 1.0], [2.1, 0.1, 0.05], [0.4, -0.3, 0.0]];
        foreach (var theta in thetas)
        {
            var expected = new ProfiledDeviance(oneTerm).Evaluate(theta, method);
            Tolerance.Close(expected, new ProfiledDeviance(nested).Evaluate([.. theta, 0.0], method), 1e-10, 0, "objective");
        }
    }

    [Theory]
    [InlineData(FitMethod.Reml, new[] { 1.1, 0.2, 0.6, 0.8, 0.5 })]
    [InlineData(FitMethod.Ml, new[] { 0.7, -0.4, 0.3, 0.0, 1.3 })]
    public void Three_nested_levels_equal_dense_marginal_objective(FitMethod method, double[] theta)
    {
        // Patients in therapists in two sites: the general elimination, with a group passing downdates to two outer levels.
        var spec = WithOuterTerms("small", [1], [
            ("therapist_id", t => t),
            ("site", t => "S" + (int.Parse(t[1..], CultureInfo.InvariantCulture) % 2).ToString(CultureInfo.InvariantCulture)),
        ]);

        Tolerance.Close(MarginalDeviance.Evaluate(spec, theta, method), new ProfiledDeviance(spec).Evaluate(theta, method), 1e-10, 1e-9, "objective");
    }

    [Theory]
    [InlineData(FitMethod.Reml)]
    [InlineData(FitMethod.Ml)]
    public void Three_random_slopes_under_a_therapist_intercept_equal_dense_marginal_objective(FitMethod method)
    {
        // q = 3 for the patients takes the general elimination rather than the unrolled q = 2 kernel.
        var spec = WithOuterTerms("small", [1, 3], [("therapist_id", t => t)]);
        double[] theta = [1.1, -0.3, 0.2, 0.6, 0.05, 0.4, 0.9];

        Tolerance.Close(MarginalDeviance.Evaluate(spec, theta, method), new ProfiledDeviance(spec).Evaluate(theta, method), 1e-10, 1e-9, "objective");
    }

    [Fact]
    public void Terms_whose_factors_are_not_nested_are_rejected()
    {
        double[] y = [1, 2, 3, 4];
        double[] ones = [1, 1, 1, 1];
        var error = Assert.Throws<ArgumentException>(() => MixedModelSpec.Create(
            "y",
            y,
            [("(Intercept)", ones)],
            [
                new RandomEffectTermData("patient_id", ["a", "a", "b", "b"], [("(Intercept)", ones)]),
                new RandomEffectTermData("therapist_id", ["t1", "t2", "t1", "t1"], [("(Intercept)", ones)]),
            ]));

        Assert.Contains("not nested", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The lagged model's frame with a patient term of the intercept and the given fixed columns,
    /// then one intercept term per outer factor, each a function of the therapist id.
    /// </summary>
    private static MixedModelSpec WithOuterTerms(string dataset, int[] slopes, (string Name, Func<string, string> Level)[] outer)
    {
        var lagged = Specs.For(dataset, "alliance_to_symptoms_nested");
        var patients = lagged.RandomEffects[0];
        var therapists = lagged.RandomEffects[1];
        var therapistOf = therapists.GroupIndex.ToArray().Select(g => therapists.Levels[g]).ToArray();
        var fixedTerms = lagged.FixedTerms.Select((t, c) => (t, (IReadOnlyList<double>)lagged.FixedColumn(c).ToArray())).ToArray();
        var terms = new List<RandomEffectTermData>
        {
            new(patients.GroupName, patients.GroupIndex.ToArray().Select(g => patients.Levels[g]).ToArray(), [fixedTerms[0], .. slopes.Select(c => fixedTerms[c])]),
        };
        terms.AddRange(outer.Select(o => new RandomEffectTermData(o.Name, therapistOf.Select(o.Level).ToArray(), [fixedTerms[0]])));
        return MixedModelSpec.Create(lagged.ResponseName, lagged.Response.ToArray(), fixedTerms, terms);
    }

    /// <summary>The lagged nested designs as the library builds them; the therapist share frame as <see cref="TherapistShare"/> builds it.</summary>
    private static MixedModelSpec NestedSpec(string dataset, string model)
    {
        if (model != "therapist_share")
        {
            return Specs.For(dataset, model);
        }

        var rated = Lme4Fixture.Observations(dataset).Where(o => o.Alliance.HasValue && o.TherapistId is not null).ToArray();
        var ones = Enumerable.Repeat(1.0, rated.Length).ToArray();
        return MixedModelSpec.Create(
            "alliance",
            rated.Select(o => o.Alliance!.Value).ToArray(),
            [(LaggedModelDefinition.Intercept, ones)],
            [
                new RandomEffectTermData(
                    LaggedModelDefinition.TherapistPatientGroupName, rated.Select(o => $"{o.TherapistId}:{o.PatientId}").ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
                new RandomEffectTermData(
                    LaggedModelDefinition.TherapistGroupName, rated.Select(o => o.TherapistId!).ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
            ]);
    }
}
