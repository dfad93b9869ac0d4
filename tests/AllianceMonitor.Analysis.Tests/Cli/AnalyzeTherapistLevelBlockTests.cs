using System.Text.Json;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary><c>analyze --therapist-level</c> also prints <c>therapist_level</c>: the nested fits and the alliance split, as the summary does.</summary>
public sealed class AnalyzeTherapistLevelBlockTests
{
    [Fact]
    public void Therapist_level_block_has_the_nested_fits_and_the_alliance_split_equal_to_lme4()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("therapists.csv"), "--therapist-level");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var block = report.RootElement.GetProperty("therapist_level");
        Assert.Equal((10, 12), (block.GetProperty("min_therapists").GetInt32(), block.GetProperty("n_therapists").GetInt32()));
        Assert.Empty(block.GetProperty("reasons").EnumerateArray());
        // The same fits as the top-level models: one fit, printed in both places.
        Assert.Equal(report.RootElement.GetProperty("models").GetRawText(), block.GetProperty("models").GetRawText());

        var split = block.GetProperty("alliance_split");
        var model = split.GetProperty("model");
        Assert.Equal(AllianceSplit.Formula, model.GetProperty("formula").GetString());
        Assert.Equal("REML", model.GetProperty("method").GetString());
        var engine = AllianceSplit.Fit(Lme4Fixture.Observations("therapists"), FitMethod.Reml);
        foreach (var f in model.GetProperty("fixed_effects").EnumerateArray())
        {
            Assert.Equal(engine.Fit.Fixed(f.GetProperty("term").GetString()!).Estimate, f.GetProperty("estimate").GetDouble(), 12);
        }

        Assert.Equal(engine.Therapist.Estimate, split.GetProperty("therapist_mean").GetProperty("estimate").GetDouble(), 12);
        Assert.Equal(engine.Patient.CiHigh, split.GetProperty("patient_within_therapist").GetProperty("ci_high").GetDouble(), 12);
        Assert.Equal(engine.Session.StdError, split.GetProperty("session_within_patient").GetProperty("std_error").GetDouble(), 12);
        Assert.Equal(engine.TherapistMinusPatient.CiLow, split.GetProperty("therapist_minus_patient").GetProperty("ci_low").GetDouble(), 12);
        // On this file the difference's interval includes zero, and the fit is singular: the sentence says both.
        var sentence = split.GetProperty("sentence").GetString()!;
        Assert.Contains("cannot tell whether the therapist or the patient part carries the link", sentence, StringComparison.Ordinal);
        Assert.Contains("rests on 12 therapist means", sentence, StringComparison.Ordinal);
        Assert.Contains("fit is singular", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void Below_min_therapists_the_block_is_empty_with_the_reason_and_the_nested_fits_stay()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("therapists.csv"), "--therapist-level", "--min-therapists", "20");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var block = report.RootElement.GetProperty("therapist_level");
        Assert.Equal(JsonValueKind.Null, block.GetProperty("models").ValueKind);
        Assert.Equal(JsonValueKind.Null, block.GetProperty("alliance_split").ValueKind);
        var reason = Assert.Single(block.GetProperty("reasons").EnumerateArray()).GetString()!;
        Assert.Contains("the data name 12 therapists, fewer than the minimum of 20", reason, StringComparison.Ordinal);
        Assert.Equal(2, report.RootElement.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public void Sentence_names_the_therapist_part_only_when_the_difference_interval_excludes_zero()
    {
        var result = AllianceSplit.Fit(Lme4Fixture.Observations("therapists"), FitMethod.Reml);
        static SplitComponent Part(double estimate, double low, double high) => new("x", estimate, 1, low, high);

        var therapistLarger = result with { Therapist = Part(-6, -8, -4), Patient = Part(-1, -2, 0.5), TherapistMinusPatient = Part(-5, -7, -3) };
        Assert.Contains("runs more through which therapist a patient sees", TherapistLevelReportBuilder.Sentence(therapistLarger), StringComparison.Ordinal);

        var patientLarger = therapistLarger with { Therapist = Part(-1, -3, 1), Patient = Part(-4, -5, -3), TherapistMinusPatient = Part(3, 1, 5) };
        Assert.Contains("runs more through how a patient's alliance compares", TherapistLevelReportBuilder.Sentence(patientLarger), StringComparison.Ordinal);

        // One interval excludes zero and the other does not, but the difference's includes zero: no conclusion.
        var unclear = therapistLarger with { TherapistMinusPatient = Part(-5, -11, 1) };
        Assert.Contains("cannot tell whether", TherapistLevelReportBuilder.Sentence(unclear), StringComparison.Ordinal);
    }
}
