using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class ModalityModerationTests
{
    private static readonly string[] Modalities = ["video", "phone", "in_person"];

    private static (IReadOnlyList<SessionObservation> Rows, Func<SessionObservation, string?> Modality) Clinic(int patients, ulong seed, Func<int, string> modalityOfPatient)
    {
        var rows = SessionSimulator.Simulate(patients, seed).Observations;
        var index = rows.Select(r => r.PatientId).Distinct().Select((p, i) => (p, i)).ToDictionary(x => x.p, x => modalityOfPatient(x.i));
        return (rows, r => index[r.PatientId]);
    }

    [Fact]
    public void With_one_modality_the_moderated_model_is_the_plain_model()
    {
        var (rows, modality) = Clinic(120, 11, _ => "phone");
        var model = ModelCatalog.AllianceToSymptoms;

        var plain = MixedModelFitter.Fit(LaggedDesign.Build(rows, model));
        var moderated = ModalityModeration.Fit(rows, modality, model);

        var effect = Assert.Single(moderated.Effects);
        Assert.Equal("phone", moderated.Reference);
        Assert.True(effect.IsReference);
        Assert.Equal(plain.ObservationCount, effect.Pairs);
        Assert.Equal(plain.Fixed("alliance_within").Estimate, effect.Estimate, 1e-7);
        Assert.Equal(plain.Fixed("alliance_within").StdError, effect.StdError, 1e-7);
        Assert.Equal(plain.LogLikelihood, moderated.Fit.LogLikelihood, 1e-7);
        foreach (var term in new[] { "(Intercept)", "alliance_between", "symptoms_within", "session" })
        {
            Assert.Equal(plain.Fixed(term).Estimate, moderated.Fit.Fixed(term).Estimate, 1e-7);
        }
    }

    [Fact]
    public void Per_modality_slopes_equal_the_interaction_parametrisation()
    {
        var (rows, modality) = Clinic(240, 5, i => Modalities[(i % 10) switch { < 2 => 2, < 7 => 1, _ => 0 }]);
        var moderated = ModalityModeration.Fit(rows, modality, ModelCatalog.AllianceToSymptoms);
        var spec = LaggedDesign.BuildModerated(rows, ModelCatalog.AllianceToSymptoms, modality,
            moderated.Effects.Select(e => e.Modality).ToList()).Spec;

        // x_within * modality: a common slope (the sum of the per-level columns) plus interactions with the non-reference levels.
        double[] Column(string term) => spec.FixedColumn(spec.FixedTerms.ToList().IndexOf(term)).ToArray();
        var levels = moderated.Effects.Select(e => e.Modality).ToList();
        var slopes = levels.Select(l => Column(LaggedDesign.ModeratedSlope(ModelCatalog.AllianceToSymptoms, l))).ToList();
        var common = Enumerable.Range(0, spec.ObservationCount).Select(i => slopes.Sum(s => s[i])).ToArray();
        var terms = new List<(string, IReadOnlyList<double>)> { ("(Intercept)", Column("(Intercept)")), ("alliance_within", common) };
        terms.AddRange(levels.Skip(1).Select((l, k) => ($"alliance_within:{l}", (IReadOnlyList<double>)slopes[k + 1])));
        terms.AddRange(levels.Skip(1).Select(l => (l, (IReadOnlyList<double>)Column(LaggedDesign.ModalityDummy(l)))));
        terms.AddRange(new[] { "alliance_between", "symptoms_within", "session" }.Select(t => (t, (IReadOnlyList<double>)Column(t))));
        var patients = spec.RandomEffects[0];
        var groups = patients.GroupIndex.ToArray().Select(g => patients.Levels[g]).ToArray();
        var interaction = MixedModelFitter.Fit(MixedModelSpec.Create(
            spec.ResponseName, spec.Response.ToArray(), terms,
            [("(Intercept)", Column("(Intercept)")), ("alliance_within", common)], patients.GroupName, groups));

        Assert.Equal(3, moderated.Effects.Count);
        Assert.Equal("phone", moderated.Reference); // half the patients, against 30% video and 20% in person
        Assert.Equal(interaction.LogLikelihood, moderated.Fit.LogLikelihood, 1e-6);
        Assert.Equal(interaction.Fixed("alliance_within").Estimate, moderated.Effects[0].Estimate, 1e-5);
        Assert.Equal(interaction.Fixed("alliance_within").StdError, moderated.Effects[0].StdError, 1e-5);
        foreach (var (effect, level) in moderated.Effects.Skip(1).Zip(levels.Skip(1)))
        {
            var sum = interaction.Fixed("alliance_within").Estimate + interaction.Fixed($"alliance_within:{level}").Estimate;
            Assert.Equal(sum, effect.Estimate, 1e-5);
        }
    }

    [Fact]
    public void Each_modality_recovers_the_simulated_within_patient_effect()
    {
        // The simulator's effect is -2.0 whatever the modality; each level's estimate lies within 3 SEs of it (a 95% interval
        // misses one time in 20 by design, and the short-series bias pulls towards zero: see the README's known bias).
        var (rows, modality) = Clinic(600, 21, i => Modalities[i % 3]);
        var moderated = ModalityModeration.Fit(rows, modality, ModelCatalog.AllianceToSymptoms);

        Assert.Equal(3, moderated.Effects.Count);
        Assert.All(moderated.Effects, e => Assert.True(Math.Abs(e.Estimate + 2.0) < 3 * e.StdError, $"{e.Modality}: {e.Estimate} ({e.CiLow}, {e.CiHigh})"));
        Assert.Equal(moderated.Fit.ObservationCount, moderated.Effects.Sum(e => e.Pairs));
    }
}
