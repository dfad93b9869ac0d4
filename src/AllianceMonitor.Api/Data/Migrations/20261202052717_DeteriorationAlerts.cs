using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// The <c>deterioration</c> alert kind (reliable deterioration on a symptom or well-being measure, issue 18) and its
/// evidence: the first rated session, the change from it, and the source of the reliable-change value.
/// </summary>
public sealed partial class DeteriorationAlerts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.AddColumn<double>(
            name: "change",
            table: "alerts",
            type: "double precision",
            nullable: true);

        migrationBuilder.AddColumn<int>(
            name: "first_session",
            table: "alerts",
            type: "integer",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "threshold_source",
            table: "alerts",
            type: "character varying(300)",
            maxLength: 300,
            nullable: true);

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind IN ('rupture', 'low_alliance', 'deterioration')");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // The older constraint admits no deterioration alerts: they go with the columns that described them.
        migrationBuilder.Sql("DELETE FROM alerts WHERE kind = 'deterioration';");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "change",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "first_session",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "threshold_source",
            table: "alerts");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind IN ('rupture', 'low_alliance')");
    }
}
