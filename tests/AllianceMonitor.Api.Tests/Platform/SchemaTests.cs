using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// The first migrations are hand-written SQL, and the model snapshot only records what the model says, so nothing else
/// checks the schema they built against the EF model: a database built by the migrations must have exactly the schema
/// EF would create from the model.
/// </summary>
public sealed class SchemaTests
{
    private const string SchemaQuery =
        """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(character_maximum_length::text, '')
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '__ef_migrations_history'
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '__ef_migrations_history'
        UNION ALL
        SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = 'public' AND conrelid::regclass::text <> '__ef_migrations_history'
        ORDER BY 1
        """;

    [Fact]
    public async Task Migrations_build_exactly_the_schema_of_the_model()
    {
        var migrated = await TestDatabaseServer.CreateEmptyDatabaseAsync();
        var fromModel = await TestDatabaseServer.CreateEmptyDatabaseAsync();
        await using (var db = TestDatabaseServer.Context(migrated))
        {
            await db.Database.MigrateAsync();
        }

        await using (var db = TestDatabaseServer.Context(fromModel))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await SchemaAsync(fromModel);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, await SchemaAsync(migrated));
    }

    [Fact]
    public async Task Migrating_twice_is_harmless()
    {
        var database = await TestDatabaseServer.CreateEmptyDatabaseAsync();
        await using var db = TestDatabaseServer.Context(database);
        await db.Database.MigrateAsync();
        await db.Database.MigrateAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    private static async Task<List<string>> SchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(SchemaQuery, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
