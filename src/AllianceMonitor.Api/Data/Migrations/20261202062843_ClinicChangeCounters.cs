using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// A per-clinic change counter kept by triggers, so the summary's data version and the automatic refit's due-check
/// read a few rows instead of counting every session of a clinic (issue 15).
/// </summary>
/// <remarks>
/// Triggers rather than updates in the write paths: every write that changes what analysis sees goes through a
/// session row (a session PUT or form submission sets its <c>updated_at</c> whenever a form is added, corrected or
/// withdrawn, and a bulk import must store sessions the same way) or deletes a patient (erasure, whose cascade takes
/// the sessions with it), and a trigger counts them whichever code path, present or future, does the write.
/// The counter is striped by connection (the backend's pid), so concurrent transactions, which run on different
/// connections, almost never wait for one another's counter row although each holds its row lock until commit; writes
/// to one patient queue behind the patient lock anyway. A rolled-back write never counts.
/// </remarks>
public sealed partial class ClinicChangeCounters : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "clinic_change_counters",
            columns: table => new
            {
                clinic_id = table.Column<Guid>(type: "uuid", nullable: false),
                slot = table.Column<int>(type: "integer", nullable: false),
                changes = table.Column<long>(type: "bigint", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_clinic_change_counters", x => new { x.clinic_id, x.slot });
                table.CheckConstraint("ck_clinic_change_counters_slot", "slot >= 0 AND slot < 64");
                table.ForeignKey(
                    name: "fk_clinic_change_counters_clinics_clinic_id",
                    column: x => x.clinic_id,
                    principalTable: "clinics",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "clinic_refit_marks",
            columns: table => new
            {
                clinic_id = table.Column<Guid>(type: "uuid", nullable: false),
                changes_at_refit = table.Column<long>(type: "bigint", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_clinic_refit_marks", x => x.clinic_id);
                table.ForeignKey(
                    name: "fk_clinic_refit_marks_clinics_clinic_id",
                    column: x => x.clinic_id,
                    principalTable: "clinics",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        // One aggregated upsert per statement (transition tables), not one per row: a statement that writes a million
        // sessions (a bulk import, a seed) moves each counter row once, where per-row updates of one row inside one
        // transaction would each walk the row's growing version chain.
        migrationBuilder.Sql($$"""
            CREATE FUNCTION count_clinic_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF TG_TABLE_NAME = 'patients' THEN
                    INSERT INTO clinic_change_counters (clinic_id, slot, changes)
                    SELECT o.clinic_id, pg_backend_pid() % {{ClinicChangeCounter.Slots}}, count(*)
                    FROM old_rows o JOIN clinics c ON c.id = o.clinic_id
                    GROUP BY o.clinic_id
                    ON CONFLICT (clinic_id, slot) DO UPDATE SET changes = clinic_change_counters.changes + excluded.changes;
                ELSE
                    -- Sessions deleted with their patient find no patient: the patients trigger counts the erasure once.
                    INSERT INTO clinic_change_counters (clinic_id, slot, changes)
                    SELECT p.clinic_id, pg_backend_pid() % {{ClinicChangeCounter.Slots}}, count(*)
                    FROM changed_rows s JOIN patients p ON p.id = s.patient_id
                    GROUP BY p.clinic_id
                    ON CONFLICT (clinic_id, slot) DO UPDATE SET changes = clinic_change_counters.changes + excluded.changes;
                END IF;
                RETURN NULL;
            END
            $fn$;

            CREATE TRIGGER sessions_inserted_count_clinic_changes AFTER INSERT ON sessions
                REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION count_clinic_changes();
            CREATE TRIGGER sessions_updated_count_clinic_changes AFTER UPDATE ON sessions
                REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION count_clinic_changes();
            CREATE TRIGGER sessions_deleted_count_clinic_changes AFTER DELETE ON sessions
                REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION count_clinic_changes();
            CREATE TRIGGER patients_deleted_count_clinic_changes AFTER DELETE ON patients
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_clinic_changes();
            """);

        // Existing data: each clinic starts at its session count, and its mark leaves exactly the sessions changed
        // since its latest calibration to count towards the next refit, as the due-check counted them before.
        migrationBuilder.Sql("""
            INSERT INTO clinic_change_counters (clinic_id, slot, changes)
            SELECT p.clinic_id, 0, count(*) FROM sessions s JOIN patients p ON p.id = s.patient_id GROUP BY p.clinic_id;

            INSERT INTO clinic_refit_marks (clinic_id, changes_at_refit)
            SELECT p.clinic_id, count(*) FILTER (WHERE s.updated_at <= f.fitted_at)
            FROM sessions s
            JOIN patients p ON p.id = s.patient_id
            JOIN (SELECT clinic_id, max(fitted_at) AS fitted_at FROM calibrations GROUP BY clinic_id) f ON f.clinic_id = p.clinic_id
            GROUP BY p.clinic_id;
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER patients_deleted_count_clinic_changes ON patients;
            DROP TRIGGER sessions_deleted_count_clinic_changes ON sessions;
            DROP TRIGGER sessions_updated_count_clinic_changes ON sessions;
            DROP TRIGGER sessions_inserted_count_clinic_changes ON sessions;
            DROP FUNCTION count_clinic_changes();
            """);

        migrationBuilder.DropTable(
            name: "clinic_change_counters");

        migrationBuilder.DropTable(
            name: "clinic_refit_marks");
    }
}
