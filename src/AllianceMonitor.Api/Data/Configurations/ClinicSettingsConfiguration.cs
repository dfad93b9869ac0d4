using System.Text.Json;
using AllianceMonitor.Analysis.Ruptures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class ClinicSettingsConfiguration : IEntityTypeConfiguration<ClinicSettings>
{
    public void Configure(EntityTypeBuilder<ClinicSettings> builder)
    {
        builder.ToTable("clinic_settings");
        builder.HasKey(s => s.ClinicId);
        builder.HasOne<Clinic>().WithOne().HasForeignKey<ClinicSettings>(s => s.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // A document, not columns: a setting added later reads its default from rows written before it existed.
        builder.Property(s => s.Detector)
            .HasColumnType("jsonb")
            .HasConversion(
                v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
                v => ReadDetector(v));
    }

    /// <summary>The stored document as settings; the session PUT's read batch reads the column with this too.</summary>
    public static DetectorSettings ReadDetector(string json) =>
        JsonSerializer.Deserialize<DetectorSettings>(json, JsonSerializerOptions.Default) ?? DetectorSettings.Default;
}
