using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261201090000_CalibrationDefaultReason")]
public sealed class CalibrationDefaultReason : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261201090000_CalibrationDefaultReason"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("ALTER TABLE calibrations DROP COLUMN default_reason;");
}
