using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

[DbContext(typeof(AllianceDbContext))]
[Migration("20261202020000_SecretsAtRest")]
public sealed class SecretsAtRest : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql(MigrationSql.Read("20261202020000_SecretsAtRest"));

    // Going down leaves encrypted values in columns an older version reads as clear: that version cannot sign or
    // export linkably until the webhooks are re-created and the research key is deleted. There is no way back to clear
    // text in SQL, and writing secrets back in clear is not a step to automate.
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            ALTER TABLE research_keys RENAME COLUMN protected_key TO key;
            ALTER TABLE webhook_subscriptions DROP COLUMN previous_secret_expires_at, DROP COLUMN previous_protected_secret;
            ALTER TABLE webhook_subscriptions RENAME COLUMN protected_secret TO secret;
            """);
}
