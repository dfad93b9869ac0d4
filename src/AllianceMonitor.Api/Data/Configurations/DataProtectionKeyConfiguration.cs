using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKeyEntity>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyEntity> builder) => builder.ToTable("data_protection_keys");
}
