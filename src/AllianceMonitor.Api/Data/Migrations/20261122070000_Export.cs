using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261122070000_Export")]
public sealed class Export : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261122070000_Export"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE research_keys, export_log;");
}
