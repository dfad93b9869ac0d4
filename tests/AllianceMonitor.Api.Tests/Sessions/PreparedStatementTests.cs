using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Sessions;

/// <summary>The service's pool prepares repeated statements, and a pooled connection keeps them across requests.</summary>
public sealed class PreparedStatementTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public void The_service_pool_auto_prepares_skips_the_reset_and_an_explicit_setting_is_kept()
    {
        var settings = new NpgsqlConnectionStringBuilder(factory.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        Assert.Equal((DatabaseSetup.MaxAutoPrepare, 2), (settings.MaxAutoPrepare, settings.AutoPrepareMinUsages));
        Assert.True(settings.NoResetOnClose, "a pooled connection is handed back without the seven-statement reset");

        var own = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare("Host=db;Max Auto Prepare=7;Auto Prepare Min Usages=9"));
        Assert.Equal((7, 9), (own.MaxAutoPrepare, own.AutoPrepareMinUsages));
    }

    [Fact]
    public async Task Statements_prepared_on_a_pooled_connection_survive_its_return_to_the_pool()
    {
        // One connection in the pool, so the second open gets the same server process back after Npgsql's reset.
        var single = new NpgsqlConnectionStringBuilder(DatabaseSetup.WithAutoPrepare(factory.ConnectionString)) { MaxPoolSize = 1 };
        await using var dataSource = NpgsqlDataSource.Create(single.ConnectionString);
        int process;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            process = connection.ProcessID;
            for (var i = 0; i < 3; i++)
            {
                await using var command = new NpgsqlCommand("SELECT count(*) FROM patients WHERE clinic_id = @c", connection);
                command.Parameters.AddWithValue("c", Guid.Empty);
                await command.ExecuteScalarAsync();
            }
        }

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            Assert.Equal(process, connection.ProcessID);
            await using var prepared = new NpgsqlCommand(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT count(*) FROM patients WHERE clinic_id = $1%'", connection);
            Assert.Equal(1L, await prepared.ExecuteScalarAsync());
        }
    }
}
