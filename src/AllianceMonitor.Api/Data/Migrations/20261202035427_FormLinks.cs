using Microsoft.EntityFrameworkCore.Migrations;


namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Form links (hashed tokens, one row per instrument with its timing), the clinics' text packs of licensed wording, and
/// the clinics' frame and return origins for embedded forms.
/// </summary>
public sealed partial class FormLinks : Migration
{
    private static readonly string[] ClinicCreatedColumns = ["clinic_id", "created_at"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "form_links",
            columns: table => new
            {
                id = table.Column<Guid>(type: "uuid", nullable: false),
                clinic_id = table.Column<Guid>(type: "uuid", nullable: false),
                patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                session_number = table.Column<int>(type: "integer", nullable: false),
                rater = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                return_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                created_by_key_id = table.Column<Guid>(type: "uuid", nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_form_links", x => x.id);
                table.CheckConstraint("ck_form_links_rater", "rater IN ('client', 'therapist', 'observer')");
                table.ForeignKey(
                    name: "fk_form_links_clinics_clinic_id",
                    column: x => x.clinic_id,
                    principalTable: "clinics",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey(
                    name: "fk_form_links_patients_patient_id",
                    column: x => x.patient_id,
                    principalTable: "patients",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "form_settings",
            columns: table => new
            {
                clinic_id = table.Column<Guid>(type: "uuid", nullable: false),
                frame_ancestors = table.Column<string[]>(type: "text[]", nullable: false),
                return_origins = table.Column<string[]>(type: "text[]", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_form_settings", x => x.clinic_id);
                table.ForeignKey(
                    name: "fk_form_settings_clinics_clinic_id",
                    column: x => x.clinic_id,
                    principalTable: "clinics",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "form_text_packs",
            columns: table => new
            {
                clinic_id = table.Column<Guid>(type: "uuid", nullable: false),
                instrument = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                wording = table.Column<string>(type: "jsonb", nullable: false),
                updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_form_text_packs", x => new { x.clinic_id, x.instrument, x.language });
                table.ForeignKey(
                    name: "fk_form_text_packs_clinics_clinic_id",
                    column: x => x.clinic_id,
                    principalTable: "clinics",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "form_link_instruments",
            columns: table => new
            {
                position = table.Column<int>(type: "integer", nullable: false),
                form_link_id = table.Column<Guid>(type: "uuid", nullable: false),
                instrument = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                timing = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("pk_form_link_instruments", x => new { x.form_link_id, x.position });
                table.CheckConstraint("ck_form_link_instruments_timing", "timing IN ('pre', 'post')");
                table.ForeignKey(
                    name: "fk_form_link_instruments_form_links_form_link_id",
                    column: x => x.form_link_id,
                    principalTable: "form_links",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "ix_form_links_clinic_id_created_at",
            table: "form_links",
            columns: ClinicCreatedColumns);

        migrationBuilder.CreateIndex(
            name: "ix_form_links_patient_id",
            table: "form_links",
            column: "patient_id");

        migrationBuilder.CreateIndex(
            name: "ix_form_links_token_hash",
            table: "form_links",
            column: "token_hash",
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "form_link_instruments");

        migrationBuilder.DropTable(
            name: "form_settings");

        migrationBuilder.DropTable(
            name: "form_text_packs");

        migrationBuilder.DropTable(
            name: "form_links");
    }
}
