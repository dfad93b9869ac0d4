using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations.Internal;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// The migrations history table keeps the column names every installed database has (<c>"MigrationId"</c>,
/// <c>"ProductVersion"</c>): the snake_case convention would otherwise rename them in EF's model of the table, and an
/// existing database could no longer tell which migrations it has (column "migration_id" does not exist).
/// </summary>
#pragma warning disable EF1001 // The provider's history repository is public but marked internal; only the two column names change.
internal sealed class MigrationHistoryTable(HistoryRepositoryDependencies dependencies) : NpgsqlHistoryRepository(dependencies)
{
    protected override void ConfigureTable(EntityTypeBuilder<HistoryRow> history)
    {
        base.ConfigureTable(history);
        history.Property(h => h.MigrationId).HasColumnName("MigrationId");
        history.Property(h => h.ProductVersion).HasColumnName("ProductVersion");
    }
}
#pragma warning restore EF1001
