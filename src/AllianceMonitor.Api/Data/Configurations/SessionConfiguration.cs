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

        // The refit's read (ClinicSeriesReader) merge-joins the ratings in force, in session order from
        // ix_measurements_current, with every session's patient and number from this index alone: no hash of a
        // million sessions and no visit to the table's rows (issue 15, bench/README.md).
        builder.HasIndex(s => s.Id)
            .IsUnique()
            .IncludeProperties(s => new { s.PatientId, s.Number })
            .HasDatabaseName("ix_sessions_id_patient_number");
        builder.HasOne(s => s.Therapist).WithMany().HasForeignKey(s => s.TherapistId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(s => s.Measurements).WithOne().HasForeignKey(m => m.SessionId).OnDelete(DeleteBehavior.Cascade);
    }
}
