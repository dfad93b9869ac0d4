using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class ClinicChangeCounterConfiguration : IEntityTypeConfiguration<ClinicChangeCounter>
{
    public void Configure(EntityTypeBuilder<ClinicChangeCounter> builder)
    {
        builder.ToTable("clinic_change_counters", t => t.HasCheckConstraint(
            "ck_clinic_change_counters_slot", $"slot >= 0 AND slot < {ClinicChangeCounter.Slots}"));
        builder.HasKey(c => new { c.ClinicId, c.Slot });
        builder.HasOne<Clinic>().WithMany().HasForeignKey(c => c.ClinicId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClinicRefitMarkConfiguration : IEntityTypeConfiguration<ClinicRefitMark>
{
    public void Configure(EntityTypeBuilder<ClinicRefitMark> builder)
    {
        builder.ToTable("clinic_refit_marks");
        builder.HasKey(m => m.ClinicId);
        builder.HasOne<Clinic>().WithOne().HasForeignKey<ClinicRefitMark>(m => m.ClinicId).OnDelete(DeleteBehavior.Cascade);
    }
}
