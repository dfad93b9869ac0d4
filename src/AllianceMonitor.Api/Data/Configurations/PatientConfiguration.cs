using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.ToTable("patients");
        builder.Property(p => p.ExternalId).HasMaxLength(64);
        builder.HasIndex(p => new { p.ClinicId, p.ExternalId }).IsUnique();
        builder.HasOne<Clinic>().WithMany().HasForeignKey(p => p.ClinicId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(p => p.Therapist).WithMany().HasForeignKey(p => p.TherapistId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(p => p.Sessions).WithOne().HasForeignKey(s => s.PatientId).OnDelete(DeleteBehavior.Cascade);
    }
}
