using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261122080000_DataProtection")]
public sealed class DataProtection : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261122080000_DataProtection"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("DROP TABLE data_protection_keys;");
}
