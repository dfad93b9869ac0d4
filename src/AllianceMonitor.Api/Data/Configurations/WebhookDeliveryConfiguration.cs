using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AllianceMonitor.Api.Data.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.ToTable("webhook_deliveries", t => t.HasCheckConstraint(
            "ck_webhook_deliveries_status", "status IN ('pending', 'delivered', 'failed')"));
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.Property(d => d.LastError).HasMaxLength(32);

        // One delivery per event and subscription: a repeated fan-out (after a crash) adds nothing.
        builder.HasIndex(d => new { d.SubscriptionId, d.EventId }).IsUnique();
        builder.HasIndex(d => new { d.SubscriptionId, d.CreatedAt });
        builder.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'pending'").HasDatabaseName("ix_webhook_deliveries_due");
        builder.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // Named after the outbox's table, as the database has it; the naming convention would name it after the DbSet.
        builder.HasOne(d => d.Event).WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_webhook_deliveries_webhook_outbox_event_id");
    }
}
