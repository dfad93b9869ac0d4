using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Gives every measurement its session's patient and number (issue 15), so the refit reads a clinic's ratings in force
/// in patient order from one index (<c>ix_measurements_patient_current</c>) instead of joining a million sessions and
/// sorting two million rows. The foreign key now covers all three columns, so the copies always equal the session's; the
/// unique index per form and revision carries them too, and serves that key. The index the old merge join needed on
/// the sessions' ids goes. The copies are filled from the sessions while the migration runs, which rewrites every
/// measurement row (writes to the measurements wait for it: about a minute at a million sessions, bench/README.md).
/// </summary>
public sealed partial class MeasurementPatientCopies : Migration
{
    private static readonly string[] SessionKey = ["id", "patient_id", "number"];
    private static readonly string[] MeasurementKey = ["session_id", "patient_id", "session_number"];
    private static readonly string[] CurrentColumns = ["session_id", "instrument", "rater", "timing"];
    private static readonly string[] PatientCurrentColumns = ["patient_id", "session_number", "instrument", "rater", "timing"];
    private static readonly string[] RevisionColumns = ["session_id", "patient_id", "session_number", "instrument", "rater", "timing", "revision"];
    private static readonly string[] OldRevisionColumns = ["session_id", "instrument", "rater", "timing", "revision"];
    private static readonly string[] Total = ["total"];
    private static readonly string[] SessionIncludes = ["patient_id", "number"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropForeignKey(name: "fk_measurements_sessions_session_id", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_sessions_id_patient_number", table: "sessions");
        migrationBuilder.DropIndex(name: "ix_measurements_current", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_measurements_session_id_instrument_rater_timing_revision", table: "measurements");

        migrationBuilder.AddColumn<Guid>(name: "patient_id", table: "measurements", type: "uuid", nullable: true);
        migrationBuilder.AddColumn<int>(name: "session_number", table: "measurements", type: "integer", nullable: true);
        migrationBuilder.Sql(
            """
            UPDATE measurements m SET patient_id = s.patient_id, session_number = s.number
            FROM sessions s WHERE s.id = m.session_id;
            """);
        migrationBuilder.AlterColumn<Guid>(name: "patient_id", table: "measurements", type: "uuid", nullable: false, oldClrType: typeof(Guid), oldType: "uuid", oldNullable: true);
        migrationBuilder.AlterColumn<int>(name: "session_number", table: "measurements", type: "integer", nullable: false, oldClrType: typeof(int), oldType: "integer", oldNullable: true);

        migrationBuilder.AddUniqueConstraint(name: "ak_sessions_id_patient_id_number", table: "sessions", columns: SessionKey);
        migrationBuilder.CreateIndex(
            name: "ix_measurements_current", table: "measurements", columns: CurrentColumns, unique: true, filter: "superseded_at IS NULL");
        migrationBuilder.CreateIndex(
            name: "ix_measurements_patient_current", table: "measurements", columns: PatientCurrentColumns, filter: "superseded_at IS NULL")
            .Annotation("Npgsql:IndexInclude", Total);
        migrationBuilder.CreateIndex(name: "ix_measurements_revision", table: "measurements", columns: RevisionColumns, unique: true);
        migrationBuilder.AddForeignKey(
            name: "fk_measurements_sessions_session_id_patient_id_session_number",
            table: "measurements",
            columns: MeasurementKey,
            principalTable: "sessions",
            principalColumns: SessionKey,
            onDelete: ReferentialAction.Cascade);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropForeignKey(name: "fk_measurements_sessions_session_id_patient_id_session_number", table: "measurements");
        migrationBuilder.DropUniqueConstraint(name: "ak_sessions_id_patient_id_number", table: "sessions");
        migrationBuilder.DropIndex(name: "ix_measurements_current", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_measurements_patient_current", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_measurements_revision", table: "measurements");
        migrationBuilder.DropColumn(name: "patient_id", table: "measurements");
        migrationBuilder.DropColumn(name: "session_number", table: "measurements");

        migrationBuilder.CreateIndex(name: "ix_sessions_id_patient_number", table: "sessions", column: "id", unique: true)
            .Annotation("Npgsql:IndexInclude", SessionIncludes);
        migrationBuilder.CreateIndex(
            name: "ix_measurements_current", table: "measurements", columns: CurrentColumns, unique: true, filter: "superseded_at IS NULL")
            .Annotation("Npgsql:IndexInclude", Total);
        migrationBuilder.CreateIndex(
            name: "ix_measurements_session_id_instrument_rater_timing_revision", table: "measurements", columns: OldRevisionColumns, unique: true);
        migrationBuilder.AddForeignKey(
            name: "fk_measurements_sessions_session_id",
            table: "measurements",
            column: "session_id",
            principalTable: "sessions",
            principalColumn: "id",
            onDelete: ReferentialAction.Cascade);
    }
}
