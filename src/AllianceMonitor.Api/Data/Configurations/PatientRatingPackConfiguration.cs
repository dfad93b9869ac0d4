using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class PatientRatingPackConfiguration : IEntityTypeConfiguration<PatientRatingPack>
{
    public void Configure(EntityTypeBuilder<PatientRatingPack> builder)
    {
        builder.ToTable("patient_rating_packs");
        builder.HasKey(p => p.PatientId);
        builder.HasOne<Patient>().WithOne().HasForeignKey<PatientRatingPack>(p => p.PatientId).OnDelete(DeleteBehavior.Cascade);
    }
}
