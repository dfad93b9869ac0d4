using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> builder)
    {
        builder.ToTable("webhook_subscriptions");
        builder.Property(s => s.Url).HasMaxLength(2000);
        // A protected 32-byte secret takes about 180 characters; the limit leaves room for a longer key-ring format.
        builder.Property(s => s.ProtectedSecret).HasMaxLength(512);
        builder.Property(s => s.PreviousProtectedSecret).HasMaxLength(512);
        builder.HasIndex(s => s.ClinicId);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(s => s.ClinicId).OnDelete(DeleteBehavior.Cascade);
    }
}
