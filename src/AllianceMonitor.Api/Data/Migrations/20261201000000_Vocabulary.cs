using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261201000000_Vocabulary")]
public sealed class Vocabulary : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261201000000_Vocabulary"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            ALTER TABLE alerts DROP CONSTRAINT ck_alerts_rater, DROP CONSTRAINT ck_alerts_kind,
                DROP CONSTRAINT ck_alerts_status, DROP CONSTRAINT ck_alerts_rupture_status;
            ALTER TABLE measurements DROP CONSTRAINT ck_measurements_rater, DROP CONSTRAINT ck_measurements_timing;
            ALTER TABLE calibrations DROP CONSTRAINT ck_calibrations_rater;
            """);
}
