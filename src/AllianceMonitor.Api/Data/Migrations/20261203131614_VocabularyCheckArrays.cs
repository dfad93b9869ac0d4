using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// The vocabulary CHECK constraints rewritten with one text[] constant each (<c>rater::text = ANY ('{client,therapist,observer}'::text[])</c>)
/// instead of <c>rater IN ('client', ...)</c>: the same values are admitted, but PostgreSQL no longer builds and casts
/// an array of varchar constants for every INSERT or UPDATE statement (VocabularyColumns.OneOf). Adding a constraint
/// checks the table's existing rows once: a scan of measurements and alerts while they are locked.
/// </summary>
public partial class VocabularyCheckArrays : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropCheckConstraint(
            name: "ck_series_detector_states_rater",
            table: "series_detector_states");

        migrationBuilder.DropCheckConstraint(
            name: "ck_measurements_rater",
            table: "measurements");

        migrationBuilder.DropCheckConstraint(
            name: "ck_measurements_timing",
            table: "measurements");

        migrationBuilder.DropCheckConstraint(
            name: "ck_form_links_rater",
            table: "form_links");

        migrationBuilder.DropCheckConstraint(
            name: "ck_form_link_instruments_timing",
            table: "form_link_instruments");

        migrationBuilder.DropCheckConstraint(
            name: "ck_calibrations_rater",
            table: "calibrations");

        migrationBuilder.DropCheckConstraint(
            name: "ck_calibrations_trigger",
            table: "calibrations");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_rater",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_rupture_status",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_status",
            table: "alerts");

        migrationBuilder.AddCheckConstraint(
            name: "ck_series_detector_states_rater",
            table: "series_detector_states",
            sql: "rater::text = ANY ('{client,therapist,observer}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_measurements_rater",
            table: "measurements",
            sql: "rater::text = ANY ('{client,therapist,observer}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_measurements_timing",
            table: "measurements",
            sql: "timing::text = ANY ('{pre,post}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_form_links_rater",
            table: "form_links",
            sql: "rater::text = ANY ('{client,therapist,observer}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_form_link_instruments_timing",
            table: "form_link_instruments",
            sql: "timing::text = ANY ('{pre,post}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_calibrations_rater",
            table: "calibrations",
            sql: "rater::text = ANY ('{client,therapist,observer}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_calibrations_trigger",
            table: "calibrations",
            sql: "trigger::text = ANY ('{auto,manual,demo_seed}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind::text = ANY ('{rupture,low_alliance,deterioration,unnoticed_drop}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_rater",
            table: "alerts",
            sql: "rater::text = ANY ('{client,therapist,observer}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_rupture_status",
            table: "alerts",
            sql: "rupture_status::text = ANY ('{open,repaired,unrepaired}'::text[])");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_status",
            table: "alerts",
            sql: "status::text = ANY ('{open,acknowledged,resolved,withdrawn}'::text[])");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropCheckConstraint(
            name: "ck_series_detector_states_rater",
            table: "series_detector_states");

        migrationBuilder.DropCheckConstraint(
            name: "ck_measurements_rater",
            table: "measurements");

        migrationBuilder.DropCheckConstraint(
            name: "ck_measurements_timing",
            table: "measurements");

        migrationBuilder.DropCheckConstraint(
            name: "ck_form_links_rater",
            table: "form_links");

        migrationBuilder.DropCheckConstraint(
            name: "ck_form_link_instruments_timing",
            table: "form_link_instruments");

        migrationBuilder.DropCheckConstraint(
            name: "ck_calibrations_rater",
            table: "calibrations");

        migrationBuilder.DropCheckConstraint(
            name: "ck_calibrations_trigger",
            table: "calibrations");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_rater",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_rupture_status",
            table: "alerts");

        migrationBuilder.DropCheckConstraint(
            name: "ck_alerts_status",
            table: "alerts");

        migrationBuilder.AddCheckConstraint(
            name: "ck_series_detector_states_rater",
            table: "series_detector_states",
            sql: "rater IN ('client', 'therapist', 'observer')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_measurements_rater",
            table: "measurements",
            sql: "rater IN ('client', 'therapist', 'observer')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_measurements_timing",
            table: "measurements",
            sql: "timing IN ('pre', 'post')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_form_links_rater",
            table: "form_links",
            sql: "rater IN ('client', 'therapist', 'observer')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_form_link_instruments_timing",
            table: "form_link_instruments",
            sql: "timing IN ('pre', 'post')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_calibrations_rater",
            table: "calibrations",
            sql: "rater IN ('client', 'therapist', 'observer')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_calibrations_trigger",
            table: "calibrations",
            sql: "trigger IN ('auto', 'manual', 'demo_seed')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_kind",
            table: "alerts",
            sql: "kind IN ('rupture', 'low_alliance', 'deterioration', 'unnoticed_drop')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_rater",
            table: "alerts",
            sql: "rater IN ('client', 'therapist', 'observer')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_rupture_status",
            table: "alerts",
            sql: "rupture_status IN ('open', 'repaired', 'unrepaired')");

        migrationBuilder.AddCheckConstraint(
            name: "ck_alerts_status",
            table: "alerts",
            sql: "status IN ('open', 'acknowledged', 'resolved', 'withdrawn')");
    }
}
