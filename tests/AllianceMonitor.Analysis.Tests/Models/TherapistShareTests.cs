using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class TherapistShareTests
{
    [Fact]
    public void A_therapist_offset_on_alliance_shows_as_a_therapist_share_and_the_parts_add_up()
    {
        // The simulator's therapists act on symptoms only; add a known offset per therapist to alliance.
        var rows = SessionSimulator.Simulate(400, 9).Observations;
        var therapists = rows.Select(r => r.TherapistId!).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToList();
        var offset = therapists.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => (x.i % 2 == 0 ? 0.6 : -0.6));
        var shifted = rows.Select(r => r with { Alliance = r.Alliance + offset[r.TherapistId!] }).ToList();

        var plain = TherapistShare.Fit(rows);
        var shared = TherapistShare.Fit(shifted);

        Assert.Equal(therapists.Count, shared.Therapists);
        Assert.InRange(plain.TherapistShare, 0, 0.1);
        Assert.InRange(shared.TherapistShare, 0.25, 0.75); // 0.36 of variance from offsets against ~0.2 + 0.06 from patients and sessions
        Assert.Equal(shared.TherapistVariance / (shared.TherapistVariance + shared.PatientVariance + shared.WithinVariance), shared.TherapistShare, 12);

        // Without the therapist level, the patient variance of the null model absorbs the therapists' part.
        var flat = NullModel.Fit(shifted).Summary;
        Assert.Equal(flat.BetweenVariance, shared.TherapistVariance + shared.PatientVariance, 0.05);
    }

    [Fact]
    public void Fewer_than_three_therapists_is_insufficient()
    {
        SessionObservation[] rows = [new("a", "t1", 1, 4, 10), new("a", "t1", 2, 4.5, 9), new("b", "t2", 1, 3, 12), new("b", "t2", 2, 3.5, 11)];
        Assert.Throws<InsufficientDataException>(() => TherapistShare.Fit(rows, FitMethod.Reml));
    }
}
