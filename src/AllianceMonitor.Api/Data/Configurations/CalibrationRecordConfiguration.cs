using AllianceMonitor.Analysis.Instruments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class CalibrationRecordConfiguration : IEntityTypeConfiguration<CalibrationRecord>
{
    public void Configure(EntityTypeBuilder<CalibrationRecord> builder)
    {
        builder.ToTable("calibrations", table =>
        {
            table.HasCheckConstraint("ck_calibrations_rater", VocabularyColumns.OneOf<Rater>("rater"));
            table.HasCheckConstraint("ck_calibrations_trigger", VocabularyColumns.OneOf<CalibrationTrigger>("trigger"));
        });
        builder.Property(c => c.Instrument).HasMaxLength(16);
        builder.Property(c => c.Rater).HasMaxLength(16);
        builder.Property(c => c.SymptomInstrument).HasMaxLength(16);
        builder.Property(c => c.Trigger).HasMaxLength(16);
        // The rupture detector's prediction model (rule version 3): its columns are the calibration's own; null on
        // calibrations fitted before it existed, which the detector then reads through PredictionModel.FromNullModel.
        // Without a model_ prefix, as the rule-version-3 migration named them.
        builder.ComplexProperty(c => c.Model, model =>
        {
            model.Property(m => m.Method).HasColumnName("method").HasMaxLength(32);
            model.Property(m => m.NoiseSd).HasColumnName("noise_sd");
            model.Property(m => m.Phi).HasColumnName("phi");
            model.Property(m => m.LevelMean).HasColumnName("level_mean");
            model.Property(m => m.LevelSd).HasColumnName("level_sd");
            model.Property(m => m.SlopeMean).HasColumnName("slope_mean");
            model.Property(m => m.SlopeSd).HasColumnName("slope_sd");
            model.Property(m => m.NullCenter).HasColumnName("null_center");
            model.Property(m => m.NullScale).HasColumnName("null_scale");
            model.Property(m => m.JudgedShare).HasColumnName("judged_share");
        });
        builder.Property(c => c.DefaultReason).HasMaxLength(300);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(c => c.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // Two refits racing for the same version: one commits, the other fails instead of forking the history.
        builder.HasIndex(c => new { c.ClinicId, c.Instrument, c.Rater, c.Version }).IsUnique();
    }
}
