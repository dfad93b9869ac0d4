using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> builder)
    {
        builder.ToTable("alerts", table =>
        {
            table.HasCheckConstraint("ck_alerts_rater", VocabularyColumns.OneOf<Rater>("rater"));
            table.HasCheckConstraint("ck_alerts_kind", VocabularyColumns.OneOf<AlertKind>("kind"));
            table.HasCheckConstraint("ck_alerts_status", VocabularyColumns.OneOf<AlertStatus>("status"));
            table.HasCheckConstraint("ck_alerts_rupture_status", VocabularyColumns.OneOf<RuptureStatus>("rupture_status"));
        });
        builder.Property(a => a.Instrument).HasMaxLength(16);
        builder.Property(a => a.Rater).HasMaxLength(16);
        builder.Property(a => a.Kind).HasMaxLength(16);
        builder.Property(a => a.Status).HasMaxLength(16);
        builder.Property(a => a.RuptureStatus).HasMaxLength(16);
        // The evidence's columns are the alert's own, without an evidence_ prefix (the names researchers query by).
        builder.ComplexProperty(a => a.Evidence, evidence =>
        {
            evidence.Property(e => e.Observed).HasColumnName("observed");
            evidence.Property(e => e.Baseline).HasColumnName("baseline");
            evidence.Property(e => e.DropInSds).HasColumnName("drop_in_sds");
            evidence.Property(e => e.Threshold).HasColumnName("threshold");
            evidence.Property(e => e.Rule).HasColumnName("rule").HasMaxLength(64);
            evidence.Property(e => e.RuleVersion).HasColumnName("rule_version");
            evidence.Property(e => e.CalibrationVersion).HasColumnName("calibration_version");
            evidence.Property(e => e.DefaultCalibration).HasColumnName("default_calibration");
            evidence.Property(e => e.ExpectedSymptomChange).HasColumnName("expected_symptom_change");
            evidence.Property(e => e.Explanation).HasColumnName("explanation").HasMaxLength(1000);
            evidence.Property(e => e.PredictionSd).HasColumnName("prediction_sd");
            evidence.Property(e => e.ThresholdSds).HasColumnName("threshold_sds");
            evidence.Property(e => e.Method).HasColumnName("method").HasMaxLength(32);
            evidence.Property(e => e.FirstSession).HasColumnName("first_session");
            evidence.Property(e => e.Change).HasColumnName("change");
            evidence.Property(e => e.ThresholdSource).HasColumnName("threshold_source").HasMaxLength(300);
            evidence.Property(e => e.TherapistObserved).HasColumnName("therapist_observed");
            evidence.Property(e => e.TherapistBaseline).HasColumnName("therapist_baseline");
            evidence.Property(e => e.TherapistThreshold).HasColumnName("therapist_threshold");
        });
        builder.Property(a => a.AcknowledgeNote).HasMaxLength(32);
        builder.Property(a => a.ResolveNote).HasMaxLength(32);

        // Erasing a patient erases their alerts with their sessions.
        builder.HasOne(a => a.Patient).WithMany().HasForeignKey(a => a.PatientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(a => a.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // The natural key: a corrected session finds and updates its alert instead of adding another.
        builder.HasIndex(a => new { a.PatientId, a.Instrument, a.Rater, a.Kind, a.Session }).IsUnique();

        // The dashboard's list: one clinic, by status, most severe then newest first.
        builder.HasIndex(a => new { a.ClinicId, a.Status, a.Severity, a.CreatedAt });
    }
}
