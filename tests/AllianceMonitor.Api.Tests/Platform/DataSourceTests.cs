using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>The service opens one connection pool: EF Core and the raw SQL paths (export, summary) share one data source.</summary>
public sealed class DataSourceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_database_context_opens_its_connections_from_the_data_source_the_raw_sql_paths_use()
    {
        var shared = factory.Services.GetRequiredService<NpgsqlDataSource>();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();

        // The provider's options say which data source EF was given; its internal status only means the type may change.
#pragma warning disable EF1001
        var efDataSource = db.GetService<IDbContextOptions>().FindExtension<NpgsqlOptionsExtension>()?.DataSource;
#pragma warning restore EF1001

        Assert.Same(shared, efDataSource);
        Assert.Same(shared, scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>());
        Assert.True(await db.Database.CanConnectAsync());
    }
}
