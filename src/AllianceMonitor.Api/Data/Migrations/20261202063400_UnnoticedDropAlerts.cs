using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// The <c>unnoticed_drop</c> alert kind (a client's rupture the therapist's rating of the same session did not register,
/// issue 17) and its evidence: the therapist's rating, what the therapist's own earlier ratings predicted, and the drop
/// the therapist's series would have needed to raise a rupture.
/// </summary>
public sealed partial class UnnoticedDropAlerts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.AddColumn<double>(
            name: "therapist_baseline",
            table: "alerts",
            type: "double precision",
            nullable: true);

        migrationBuilder.AddColumn<double>(
            name: "therapist_observed",
            table: "alerts",
            type: "double precision",
            nullable: true);

        migrationBuilder.AddColumn<double>(
            name: "therapist_threshold",
            table: "alerts",
            type: "double precision",
            nullable: true);

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind IN ('rupture', 'low_alliance', 'deterioration', 'unnoticed_drop')");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // The older constraint admits no unnoticed-drop alerts: they go with the columns that described them.
        migrationBuilder.Sql("DELETE FROM alerts WHERE kind = 'unnoticed_drop';");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "therapist_baseline",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "therapist_observed",
            table: "alerts");

        migrationBuilder.DropColumn(
            name: "therapist_threshold",
            table: "alerts");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind IN ('rupture', 'low_alliance', 'deterioration')");
    }
}
