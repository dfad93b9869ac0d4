using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Keys and indexes over the measurements' copies of their session's patient and number (issue 15), after the previous
/// migration filled them with the old ones dropped. The foreign key now
/// covers all three columns, so the copies always equal the session's; the unique index per form and revision carries
/// them too, and serves that key. <c>ix_measurements_patient_current</c> holds each rating in force with its total in
/// patient and session order, which the refit reads alone. The index the old merge join needed on the sessions' ids
/// goes, and <c>ix_measurements_current</c> no longer carries the total. Writes to both tables wait while the indexes
/// are built (about 15 s at a million sessions, bench/README.md).
/// </summary>
public sealed partial class MeasurementPatientKeys : Migration
{
    private static readonly string[] SessionKey = ["id", "patient_id", "number"];
    private static readonly string[] MeasurementKey = ["session_id", "patient_id", "session_number"];
    private static readonly string[] CurrentColumns = ["session_id", "instrument", "rater", "timing"];
    private static readonly string[] PatientCurrentColumns = ["patient_id", "session_number", "instrument", "rater", "timing"];
    private static readonly string[] RevisionColumns = ["session_id", "patient_id", "session_number", "instrument", "rater", "timing", "revision"];
    private static readonly string[] Total = ["total"];
    private static readonly string[] SessionIncludes = ["patient_id", "number"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_sessions_id_patient_number", table: "sessions");
        // The previous migration's update gave the primary key an entry for every row it rewrote: rebuilt at its size.
        migrationBuilder.Sql("REINDEX INDEX pk_measurements;");
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

        migrationBuilder.CreateIndex(name: "ix_sessions_id_patient_number", table: "sessions", column: "id", unique: true)
            .Annotation("Npgsql:IndexInclude", SessionIncludes);
    }
}
