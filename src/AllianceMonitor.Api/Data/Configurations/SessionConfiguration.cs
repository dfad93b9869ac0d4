using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions", t => t.HasCheckConstraint("ck_sessions_number_positive", "number >= 1"));
        builder.Property(s => s.Modality).HasMaxLength(16);
        builder.HasIndex(s => new { s.PatientId, s.Number }).IsUnique();

        builder.HasOne(s => s.Therapist).WithMany().HasForeignKey(s => s.TherapistId).OnDelete(DeleteBehavior.SetNull);

        // A measurement carries its session's patient and number (Measurement.PatientId); the key over all three
        // keeps those copies equal to the session's.
        builder.HasMany(s => s.Measurements).WithOne()
            .HasForeignKey(m => new { m.SessionId, m.PatientId, m.SessionNumber })
            .HasPrincipalKey(s => new { s.Id, s.PatientId, s.Number })
            .OnDelete(DeleteBehavior.Cascade);
    }
}
