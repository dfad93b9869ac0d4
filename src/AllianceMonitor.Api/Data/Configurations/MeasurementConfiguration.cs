using System.Text.Json;
using AllianceMonitor.Analysis.Instruments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class MeasurementConfiguration : IEntityTypeConfiguration<Measurement>
{
    public void Configure(EntityTypeBuilder<Measurement> builder)
    {
        builder.ToTable("measurements", table =>
        {
            table.HasCheckConstraint("ck_measurements_rater", VocabularyColumns.OneOf<Rater>("rater"));
            table.HasCheckConstraint("ck_measurements_timing", VocabularyColumns.OneOf<Timing>("timing"));
        });
        builder.Property(m => m.Instrument).HasMaxLength(16);
        builder.Property(m => m.Rater).HasMaxLength(16);
        builder.Property(m => m.Timing).HasMaxLength(8);
        builder.Property(m => m.Band).HasMaxLength(32);
        builder.Property(m => m.Subscales)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => JsonSerializer.Deserialize<Dictionary<string, double>>(v, JsonSerializerOptions.Default) ?? new(),
                WrittenOnceComparer.For<Dictionary<string, double>>());
        builder.Property(m => m.Items).Metadata.SetValueComparer(WrittenOnceComparer.For<double[]?>());

        // Unique per form and revision; it also serves the foreign key to the session (its first three columns), so the
        // key needs no index of its own. The patient and number add nothing to what is unique: the session fixes them.
        builder.HasIndex(m => new { m.SessionId, m.PatientId, m.SessionNumber, m.Instrument, m.Rater, m.Timing, m.Revision })
            .IsUnique()
            .HasDatabaseName("ix_measurements_revision");

        // At most one revision of a form is in force; a race that tried to add a second would fail here, not corrupt history.
        builder.HasIndex(m => new { m.SessionId, m.Instrument, m.Rater, m.Timing })
            .IsUnique()
            .HasFilter("superseded_at IS NULL")
            .HasDatabaseName("ix_measurements_current");

        // The same ratings in force in patient and session order with their totals: the refit reads a clinic's from
        // this index alone and streams them as PostgreSQL finds them, with no join of the sessions and no sort (issue 15).
        builder.HasIndex(m => new { m.PatientId, m.SessionNumber, m.Instrument, m.Rater, m.Timing })
            .HasFilter("superseded_at IS NULL")
            .IncludeProperties(m => m.Total)
            .HasDatabaseName("ix_measurements_patient_current");
    }
}
