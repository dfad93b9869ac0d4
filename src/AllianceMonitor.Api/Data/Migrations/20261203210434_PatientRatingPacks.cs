using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Every patient's ratings in force packed into one value that triggers keep, so a clinic's refit reads one row per
/// patient instead of one per rating (issue 15). The layout is <see cref="Series.RatingPack"/>'s.
/// </summary>
/// <remarks>
/// Triggers rather than writes in the service, as for the change counters: any statement that stores, corrects,
/// withdraws or deletes ratings (a session PUT, a form, a bulk import's COPY, an erasure's cascade) repacks the patients
/// it touched, once per statement (transition tables), in its own transaction.
/// </remarks>
public sealed partial class PatientRatingPacks : Migration
{
    // Ratings m packed in order (see Series.RatingPack), with the key e from PackKey; '' for none.
    private const string Pack =
        """
        coalesce(string_agg(
            int4send(m.session_number) || float8send(m.total) || int2send(length(e.key)::int2) || e.key, ''::bytea
            ORDER BY m.session_number, m.instrument, m.rater, m.timing), ''::bytea)
        """;

    private const string PackKey = "CROSS JOIN LATERAL (SELECT convert_to(m.instrument || ' ' || m.rater || ' ' || m.timing, 'UTF8') AS key) e";

    // A patient's whole pack and its last session, from the measurements table; p is the patient.
    private const string Repacked =
        $"""
        SELECT {Pack} AS ratings, coalesce(max(m.session_number), 0) AS last_session
        FROM measurements m {PackKey} WHERE m.patient_id = p.id AND m.superseded_at IS NULL
        """;

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "patient_rating_packs",
            columns: table => new
            {
                patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                ratings = table.Column<byte[]>(type: "bytea", nullable: false),
                last_session = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_patient_rating_packs", x => x.patient_id);
                table.ForeignKey(
                    name: "fk_patient_rating_packs_patients_patient_id",
                    column: x => x.patient_id,
                    principalTable: "patients",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        // Stored as they are, not compressed: a long history's pack is read back at the speed of a copy.
        migrationBuilder.Sql("ALTER TABLE patient_rating_packs ALTER COLUMN ratings SET STORAGE EXTERNAL;");

        // Ratings in force inserted for the last packed session or later ones (a new session, the usual PUT and import
        // line, whose ratings may come one statement each) are appended to the pack, at a cost that does not grow with
        // the patient's history; any other change (a correction, a withdrawn or deleted rating, a late earlier session)
        // repacks the patient from the measurements table. So sessions are in order and, within a session, ratings are
        // in the order written. One statement does both. Two transactions never repack one patient at once: every writer
        // of a patient's ratings holds the patient's row lock until it commits (the session PUT's read batch, the
        // import's chunk read, the form submission through the session writer, the erasure's delete), so the ratings
        // this statement reads are all there are.
        migrationBuilder.Sql($$"""
            CREATE FUNCTION pack_patient_ratings() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                WITH added AS (
                    SELECT m.patient_id, min(m.session_number) AS first_session, max(m.session_number) AS last_session,
                           {{Pack}} AS ratings
                    FROM changed_ratings m {{PackKey}}
                    WHERE TG_OP = 'INSERT' AND m.superseded_at IS NULL
                    GROUP BY m.patient_id),
                appended AS (
                    UPDATE patient_rating_packs k SET ratings = k.ratings || a.ratings, last_session = a.last_session
                    FROM added a WHERE k.patient_id = a.patient_id AND a.first_session >= k.last_session
                    RETURNING k.patient_id)
                -- A patient erased by this statement is not found: its pack went with it (cascade).
                INSERT INTO patient_rating_packs (patient_id, ratings, last_session)
                SELECT p.id, r.ratings, r.last_session
                FROM patients p CROSS JOIN LATERAL ({{Repacked}}) r
                WHERE p.id IN (SELECT c.patient_id FROM changed_ratings c) AND p.id NOT IN (SELECT a.patient_id FROM appended a)
                ON CONFLICT (patient_id) DO UPDATE SET ratings = excluded.ratings, last_session = excluded.last_session;
                RETURN NULL;
            END
            $fn$;

            CREATE TRIGGER measurements_inserted_pack_patient_ratings AFTER INSERT ON measurements
                REFERENCING NEW TABLE AS changed_ratings FOR EACH STATEMENT EXECUTE FUNCTION pack_patient_ratings();
            CREATE TRIGGER measurements_updated_pack_patient_ratings AFTER UPDATE ON measurements
                REFERENCING NEW TABLE AS changed_ratings FOR EACH STATEMENT EXECUTE FUNCTION pack_patient_ratings();
            CREATE TRIGGER measurements_deleted_pack_patient_ratings AFTER DELETE ON measurements
                REFERENCING OLD TABLE AS changed_ratings FOR EACH STATEMENT EXECUTE FUNCTION pack_patient_ratings();
            """);

        // Existing data: a pack for every patient with ratings in force.
        migrationBuilder.Sql($"""
            INSERT INTO patient_rating_packs (patient_id, ratings, last_session)
            SELECT m.patient_id, {Pack}, max(m.session_number) FROM measurements m {PackKey} WHERE m.superseded_at IS NULL GROUP BY m.patient_id;
            """);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP TRIGGER measurements_deleted_pack_patient_ratings ON measurements;
            DROP TRIGGER measurements_updated_pack_patient_ratings ON measurements;
            DROP TRIGGER measurements_inserted_pack_patient_ratings ON measurements;
            DROP FUNCTION pack_patient_ratings();
            """);

        migrationBuilder.DropTable(
            name: "patient_rating_packs");
    }
}
