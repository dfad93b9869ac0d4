using AllianceMonitor.Analysis.Instruments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class SeriesDetectorStateConfiguration : IEntityTypeConfiguration<SeriesDetectorState>
{
    public void Configure(EntityTypeBuilder<SeriesDetectorState> builder)
    {
        builder.ToTable("series_detector_states", table =>
            table.HasCheckConstraint("ck_series_detector_states_rater", VocabularyColumns.OneOf<Rater>("rater")));
        builder.HasKey(s => new { s.PatientId, s.Instrument, s.Rater });
        builder.Property(s => s.Instrument).HasMaxLength(16);
        builder.Property(s => s.Rater).HasMaxLength(16);

        // json keeps the text as written; jsonb would store numbers as numeric and lose a negative zero.
        builder.Property(s => s.State).HasColumnType("json");

        // Erasing a patient erases where their series' detection stood, with their sessions and alerts.
        builder.HasOne<Patient>().WithMany().HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Cascade);
    }
}
