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

        builder.HasIndex(m => new { m.SessionId, m.Instrument, m.Rater, m.Timing, m.Revision }).IsUnique();

        // At most one revision of a form is in force; a race that tried to add a second would fail here, not corrupt history.
        // The total rides along (not part of the key) so the refit reads the ratings in force from this index alone, in
        // session order, instead of the table's rows with their items and subscales (issue 15, bench/README.md).
        builder.HasIndex(m => new { m.SessionId, m.Instrument, m.Rater, m.Timing })
            .IsUnique()
            .HasFilter("superseded_at IS NULL")
            .IncludeProperties(m => m.Total)
            .HasDatabaseName("ix_measurements_current");
    }
}
