using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Gives every measurement its session's patient and number (issue 15), filled from the sessions, so the refit can read
/// a clinic's ratings in force in patient order from one index. This rewrites every measurement row (writes to the
/// measurements wait for it: about 16 s at a million sessions, bench/README.md). The foreign key to the session and the
/// two unique indexes go first, or the update would maintain them for every row it rewrites (80 s instead of 16 at a
/// million); the next migration builds them again, over the copies, in a transaction of its own: built here, they would
/// also index the rows this update replaced, which are dead only once it commits, and start twice their size.
/// </summary>
public sealed partial class MeasurementPatientCopies : Migration
{
    private static readonly string[] CurrentColumns = ["session_id", "instrument", "rater", "timing"];
    private static readonly string[] RevisionColumns = ["session_id", "instrument", "rater", "timing", "revision"];
    private static readonly string[] Total = ["total"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropForeignKey(name: "fk_measurements_sessions_session_id", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_measurements_current", table: "measurements");
        migrationBuilder.DropIndex(name: "ix_measurements_session_id_instrument_rater_timing_revision", table: "measurements");
        migrationBuilder.AddColumn<Guid>(name: "patient_id", table: "measurements", type: "uuid", nullable: true);
        migrationBuilder.AddColumn<int>(name: "session_number", table: "measurements", type: "integer", nullable: true);
        migrationBuilder.Sql(
            """
            UPDATE measurements m SET patient_id = s.patient_id, session_number = s.number
            FROM sessions s WHERE s.id = m.session_id;
            """);
        migrationBuilder.AlterColumn<Guid>(
            name: "patient_id", table: "measurements", type: "uuid", nullable: false, oldClrType: typeof(Guid), oldType: "uuid", oldNullable: true);
        migrationBuilder.AlterColumn<int>(
            name: "session_number", table: "measurements", type: "integer", nullable: false, oldClrType: typeof(int), oldType: "integer", oldNullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "patient_id", table: "measurements");
        migrationBuilder.DropColumn(name: "session_number", table: "measurements");
        migrationBuilder.CreateIndex(
            name: "ix_measurements_current", table: "measurements", columns: CurrentColumns, unique: true, filter: "superseded_at IS NULL")
            .Annotation("Npgsql:IndexInclude", Total);
        migrationBuilder.CreateIndex(
            name: "ix_measurements_session_id_instrument_rater_timing_revision", table: "measurements", columns: RevisionColumns, unique: true);
        migrationBuilder.AddForeignKey(
            name: "fk_measurements_sessions_session_id",
            table: "measurements",
            column: "session_id",
            principalTable: "sessions",
            principalColumn: "id",
            onDelete: ReferentialAction.Cascade);
    }
}
