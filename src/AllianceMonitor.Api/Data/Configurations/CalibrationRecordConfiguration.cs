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
        builder.ComplexProperty(c => c.Model, model => model.Property(m => m.Method).HasMaxLength(32));
        builder.Property(c => c.DefaultReason).HasMaxLength(300);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(c => c.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // Two refits racing for the same version: one commits, the other fails instead of forking the history.
        builder.HasIndex(c => new { c.ClinicId, c.Instrument, c.Rater, c.Version }).IsUnique();
    }
}
