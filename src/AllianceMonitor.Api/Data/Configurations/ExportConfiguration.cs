using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class ExportRecordConfiguration : IEntityTypeConfiguration<ExportRecord>
{
    public void Configure(EntityTypeBuilder<ExportRecord> builder)
    {
        builder.ToTable("export_log");
        builder.Property(e => e.Format).HasMaxLength(8);
        builder.Property(e => e.Filters).HasColumnType("jsonb");
        builder.Property(e => e.Status).HasMaxLength(16);

        // No foreign keys: like the audit log, the export log must outlive the clinics and keys it speaks of.
        builder.HasIndex(e => new { e.ClinicId, e.StartedAt });
    }
}

internal sealed class ResearchKeyConfiguration : IEntityTypeConfiguration<ResearchKey>
{
    public void Configure(EntityTypeBuilder<ResearchKey> builder)
    {
        builder.ToTable("research_keys");
        builder.HasKey(k => k.ClinicId);
        builder.HasOne<Clinic>().WithOne().HasForeignKey<ResearchKey>(k => k.ClinicId).OnDelete(DeleteBehavior.Cascade);
    }
}
