using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> builder)
    {
        builder.ToTable("webhook_outbox");
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.HasOne<Clinic>().WithMany().HasForeignKey(e => e.ClinicId).OnDelete(DeleteBehavior.Cascade);

        // A ping for a subscription deleted before fan-out goes with it, rather than reaching the clinic's other receivers.
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(e => e.SubscriptionId).OnDelete(DeleteBehavior.Cascade);

        // The dispatcher scans only what it has not fanned out yet.
        builder.HasIndex(e => e.CreatedAt).HasFilter("dispatched_at IS NULL").HasDatabaseName("ix_webhook_outbox_undispatched");
    }
}
