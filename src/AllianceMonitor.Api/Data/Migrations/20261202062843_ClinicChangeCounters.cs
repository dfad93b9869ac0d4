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
/// The triggers are deferred to commit, so a transaction holds the counter's row lock only while it commits, not
/// while it runs detection; and the counter is striped by patient, so PUTs for different patients seldom meet on
/// one row. A rolled-back write never counts.
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
                table.CheckConstraint("ck_clinic_change_counters_slot", "slot >= 0 AND slot < 16");
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

        var lastSlot = ClinicChangeCounter.Slots - 1;
        migrationBuilder.Sql($$"""
            CREATE FUNCTION count_clinic_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
            DECLARE
                patient uuid;
                clinic uuid;
            BEGIN
                IF TG_TABLE_NAME = 'patients' THEN
                    patient := OLD.id;
                    clinic := OLD.clinic_id;
                ELSE
                    patient := CASE WHEN TG_OP = 'DELETE' THEN OLD.patient_id ELSE NEW.patient_id END;
                    -- A session deleted with its patient finds no patient: the patient's own trigger counts the erasure.
                    SELECT p.clinic_id INTO clinic FROM patients p WHERE p.id = patient;
                END IF;
                -- A clinic deleted in the same transaction has nothing left to count.
                IF clinic IS NOT NULL AND EXISTS (SELECT 1 FROM clinics c WHERE c.id = clinic) THEN
                    INSERT INTO clinic_change_counters (clinic_id, slot, changes)
                    VALUES (clinic, hashtext(patient::text) & {{lastSlot}}, 1)
                    ON CONFLICT (clinic_id, slot) DO UPDATE SET changes = clinic_change_counters.changes + 1;
                END IF;
                RETURN NULL;
            END
            $fn$;

            CREATE CONSTRAINT TRIGGER sessions_count_clinic_change
                AFTER INSERT OR UPDATE OR DELETE ON sessions
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_clinic_change();

            CREATE CONSTRAINT TRIGGER patients_count_clinic_change
                AFTER DELETE ON patients
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_clinic_change();
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
            DROP TRIGGER patients_count_clinic_change ON patients;
            DROP TRIGGER sessions_count_clinic_change ON sessions;
            DROP FUNCTION count_clinic_change();
            """);

        migrationBuilder.DropTable(
            name: "clinic_change_counters");

        migrationBuilder.DropTable(
            name: "clinic_refit_marks");
    }
}
