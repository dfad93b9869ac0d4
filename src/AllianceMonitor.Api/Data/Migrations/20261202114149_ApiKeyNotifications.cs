using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Every change to <c>api_keys</c> sends a notification on the channel <c>api_keys_changed</c>, which each instance's
/// Auth.ApiKeyChangeListener listens on, so every instance drops its cached key lookups when a key is created, revoked
/// or deleted (issue 15).
/// </summary>
/// <remarks>
/// A trigger rather than a notification from the write paths: a revocation made with psql, by a deployment script or
/// by a clinic's deletion cascading to its keys reaches every instance as surely as one made through the API.
/// Once per statement and without a payload (each instance clears all its cached keys): keys change rarely, and a
/// statement that touches many keys sends one notification, which PostgreSQL delivers after the commit and never for
/// a rolled-back transaction. The channel is written out rather than taken from the listener's constant: a migration
/// must keep doing what it did when it was applied.
/// </remarks>
public sealed partial class ApiKeyNotifications : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            CREATE FUNCTION notify_api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                PERFORM pg_notify('api_keys_changed', '');
                RETURN NULL;
            END
            $fn$;

            CREATE TRIGGER api_keys_changed_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys
                FOR EACH STATEMENT EXECUTE FUNCTION notify_api_keys_changed();
            """);

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("""
            DROP TRIGGER api_keys_changed_notify ON api_keys;
            DROP FUNCTION notify_api_keys_changed();
            """);
}
