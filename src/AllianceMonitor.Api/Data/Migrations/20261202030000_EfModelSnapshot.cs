using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// The first migration made by the dotnet-ef tool. The hand-written migrations before it already build exactly the
/// model's schema (the schema-drift test proves it), so it changes nothing in the database; it brings the model
/// snapshot (<c>AllianceDbContextModelSnapshot</c>) that every later migration is generated against. The tool wrote a
/// CREATE of every table here, because it had no earlier snapshot to compare with; those statements are left out.
/// Its id is set by hand to follow every hand-written migration (the tool would have used the time of day).
/// </summary>
public sealed partial class EfModelSnapshot : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // Nothing to change: see the summary.
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        // Nothing was changed.
    }
}
