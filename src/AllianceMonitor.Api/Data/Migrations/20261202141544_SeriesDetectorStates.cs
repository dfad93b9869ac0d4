using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Where each series' detection stood after its last session (issue 15, incremental detection): a session PUT after the
/// last one judges from this row instead of replaying the whole series. Keyed by the series; erased with the patient.
/// The state is <c>json</c>, not <c>jsonb</c>: the text is kept as written, so every double reads back bit for bit.
/// Existing series have no row yet: their next PUT replays them from the start, as before, and writes one.
/// </summary>
public sealed partial class SeriesDetectorStates : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "series_detector_states",
            columns: table => new
            {
                patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                instrument = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                rater = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                last_session = table.Column<int>(type: "integer", nullable: false),
                sessions = table.Column<int>(type: "integer", nullable: false),
                rule_version = table.Column<int>(type: "integer", nullable: false),
                calibration_version = table.Column<int>(type: "integer", nullable: false),
                state = table.Column<string>(type: "json", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_series_detector_states", x => new { x.patient_id, x.instrument, x.rater });
                table.CheckConstraint("ck_series_detector_states_rater", "rater IN ('client', 'therapist', 'observer')");
                table.ForeignKey(
                    name: "fk_series_detector_states_patients_patient_id",
                    column: x => x.patient_id,
                    principalTable: "patients",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "series_detector_states");
}
