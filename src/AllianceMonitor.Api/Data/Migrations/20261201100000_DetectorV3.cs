using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261201100000_DetectorV3")]
public sealed class DetectorV3 : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261201100000_DetectorV3"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            ALTER TABLE calibrations DROP COLUMN method, DROP COLUMN noise_sd, DROP COLUMN phi, DROP COLUMN level_mean,
                DROP COLUMN level_sd, DROP COLUMN slope_mean, DROP COLUMN slope_sd, DROP COLUMN null_center,
                DROP COLUMN null_scale, DROP COLUMN judged_share;
            ALTER TABLE alerts DROP COLUMN prediction_sd, DROP COLUMN threshold_sds, DROP COLUMN method;
            """);
}
