using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// Key lookups are served from memory once warm, and every change to a key, made by any instance or straight in SQL,
/// empties the cache of every instance through the database's notification; while the listener is down, every lookup
/// reads the database (issue 15).
/// </summary>
public sealed class ApiKeyCacheTests(ApiKeyCacheTests.KeyCacheFactory factory) : IClassFixture<ApiKeyCacheTests.KeyCacheFactory>
{
    /// <summary>A host that records each request's SQL; <see cref="On"/> makes another instance on the same database.</summary>
    public sealed class KeyCacheFactory : ApiFactory
    {
        public CommandRecorder Recorder { get; } = new();

        public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);

        public static KeyCacheFactory On(string connectionString, TimeSpan? reconnectDelay = null) => new()
        {
            ConnectionString = connectionString,
            ReconnectDelay = reconnectDelay ?? TimeSpan.FromMilliseconds(200),
        };

        public ApiKeyCache Cache => Services.GetRequiredService<ApiKeyCache>();

        /// <summary>The cache fills only once the listener listens, which the host's start does not wait for.</summary>
        public async Task<KeyCacheFactory> ListeningAsync()
        {
            var waited = Stopwatch.StartNew();
            while (!Cache.IsListening)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the key-change listener did not start listening within 30 s");
                await Task.Delay(20);
            }

            return this;
        }

        /// <summary>Whether this host read <c>api_keys</c> while serving the request.</summary>
        public bool ReadKeys(string method, string path) =>
            Recorder.For(method, path).Any(sql => sql.Contains("FROM api_keys", StringComparison.Ordinal));

        protected override void ConfigureTestHost(IWebHostBuilder builder)
        {
            var delay = ReconnectDelay.ToString("c");
            builder.UseSetting("Auth:KeyCache:ReconnectDelay", delay);
            builder.UseSetting("Auth:KeyCache:MaxReconnectDelay", delay);
            // The wait for the other instances' acknowledgements ends when they arrive; its bound (2 s in service) only
            // keeps a loaded test machine from making a revocation look lost.
            builder.UseSetting("Auth:KeyCache:AcknowledgementWait", "00:00:20");
            builder.ConfigureServices(services =>
            {
                services.AddHttpContextAccessor();
                services.ConfigureDbContext<AllianceDbContext>(Recorder.AttachTo);
            });
        }
    }

    [Fact]
    public async Task A_warm_request_does_no_authentication_query()
    {
        await factory.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var clinician = factory.Client(tenant.Clinician);

        // The cold request shows that the recorder sees the lookup; the warm one made none, though it ran its own SQL.
        Assert.Equal((Accepted, true), await ProbeAsync(factory, clinician));
        var path = $"/api/v1/patients/probe-{Guid.NewGuid():N}";
        Assert.Equal(Accepted, (await clinician.GetAsync(path)).StatusCode);
        Assert.NotEmpty(factory.Recorder.For("GET", path));
        Assert.False(factory.ReadKeys("GET", path), "the warm request read its key from the database");
    }

    [Fact]
    public async Task A_key_revoked_through_one_instance_fails_on_the_next_request_to_another()
    {
        await using var b = KeyCacheFactory.On(factory.ConnectionString);
        await factory.ListeningAsync();
        await b.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var key = await NewKeyAsync(factory, tenant.ClinicId, "clinician");
        var onB = b.Client(key.Key);
        Assert.Equal((Accepted, true), await ProbeAsync(b, onB));
        Assert.Equal((Accepted, false), await ProbeAsync(b, onB));

        var revoked = await factory.Admin().DeleteAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys/{key.Id}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await ProbeAsync(b, onB)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ProbeAsync(factory, factory.Client(key.Key))).Status);
    }

    [Fact]
    public async Task A_key_created_on_one_instance_works_at_once_on_another()
    {
        await using var b = KeyCacheFactory.On(factory.ConnectionString);
        await factory.ListeningAsync();
        await b.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = b.Client(tenant.ClinicAdmin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys")).StatusCode);

        var key = await NewKeyAsync(factory, tenant.ClinicId, "clinician");

        Assert.Equal(Accepted, (await ProbeAsync(b, b.Client(key.Key))).Status);
    }

    [Fact]
    public async Task A_key_revoked_in_sql_is_refused_as_soon_as_the_notice_arrives_not_when_the_lookup_expires()
    {
        await factory.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var key = await NewKeyAsync(factory, tenant.ClinicId, "clinician");
        var client = factory.Client(key.Key);
        Assert.Equal((Accepted, true), await ProbeAsync(factory, client));
        Assert.Equal((Accepted, false), await ProbeAsync(factory, client));

        await RevokeInSqlAsync(factory.ConnectionString, key.Id);

        // The statement returns at its commit and the notice follows it by milliseconds; the cached lookup would
        // otherwise live on for the cache's 60 s. The wait is bounded well below that, so an expiry cannot pass for the
        // notice, and well above milliseconds, so a slow CI machine is not failed for its speed.
        var waited = Stopwatch.StartNew();
        var status = (await ProbeAsync(factory, client)).Status;
        while (status != HttpStatusCode.Unauthorized && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(10);
            status = (await ProbeAsync(factory, client)).Status;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task While_the_listener_is_down_every_lookup_reads_the_database_and_a_revocation_holds()
    {
        // A database of its own, whose listener stays down for an hour once its connection is killed.
        await using var host = KeyCacheFactory.On(await TestDatabaseServer.CreateDatabaseAsync(), reconnectDelay: TimeSpan.FromHours(1));
        await host.ListeningAsync();
        var tenant = await Tenant.CreateAsync(host);
        var key = await NewKeyAsync(host, tenant.ClinicId, "clinician");
        var client = host.Client(key.Key);
        Assert.Equal((Accepted, true), await ProbeAsync(host, client));
        Assert.Equal((Accepted, false), await ProbeAsync(host, client));

        await KillListenerAsync(host);

        Assert.Equal((Accepted, true), await ProbeAsync(host, client));
        Assert.Equal((Accepted, true), await ProbeAsync(host, client));

        // The notice of this revocation reaches no listener; only reading the database refuses the key.
        await RevokeInSqlAsync(host.ConnectionString, key.Id);
        Assert.Equal((HttpStatusCode.Unauthorized, true), await ProbeAsync(host, client));
    }

    [Fact]
    public async Task The_listener_reconnects_after_losing_its_connection_and_the_cache_serves_again()
    {
        // A reconnect delay long enough for the test to see the listener down, short enough to wait for.
        await using var host = KeyCacheFactory.On(await TestDatabaseServer.CreateDatabaseAsync(), reconnectDelay: TimeSpan.FromSeconds(1));
        await host.ListeningAsync();
        var tenant = await Tenant.CreateAsync(host);
        var client = host.Client(tenant.Clinician);

        await KillListenerAsync(host);
        await host.ListeningAsync();

        Assert.Equal((Accepted, true), await ProbeAsync(host, client));
        Assert.Equal((Accepted, false), await ProbeAsync(host, client));
    }

    [Fact]
    public async Task A_dashboard_session_rechecks_its_key_from_the_cache_and_ends_when_another_instance_revokes_it()
    {
        await using var b = KeyCacheFactory.On(factory.ConnectionString);
        await factory.ListeningAsync();
        await b.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var key = await NewKeyAsync(factory, tenant.ClinicId, "clinician");
        var session = DashboardSession.Create(b);
        await session.SignedInAsync(key.Key);

        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/patients")).StatusCode);
        Assert.True(b.ReadKeys("GET", "/"), "the first page did not check its key in the database");
        Assert.False(b.ReadKeys("GET", "/patients"), "the second page checked its key in the database again");

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Admin().DeleteAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys/{key.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await session.Http.GetAsync("/overview")).StatusCode);
    }

    [Fact]
    public async Task A_key_change_never_committed_does_not_empty_the_cache_when_the_same_context_later_commits()
    {
        // Contexts are pooled: a later request may commit on the context whose key write was abandoned.
        await factory.ListeningAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var clinician = factory.Client(tenant.Clinician);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        await using (await db.Database.BeginTransactionAsync())
        {
            var key = await db.ApiKeys.FirstAsync(k => k.ClinicId == tenant.ClinicId);
            key.RevokedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        db.ChangeTracker.Clear();
        await ProbeAsync(factory, clinician);
        Assert.Equal((Accepted, false), await ProbeAsync(factory, clinician));

        await using (var later = await db.Database.BeginTransactionAsync())
        {
            await later.CommitAsync();
        }

        Assert.Equal((Accepted, false), await ProbeAsync(factory, clinician));
    }

    /// <summary>What an accepted key gets on the probe's path: an unknown patient.</summary>
    private const HttpStatusCode Accepted = HttpStatusCode.NotFound;

    /// <summary>
    /// One request on a path of its own (an unknown patient), so the recorder tells requests apart: its status, and
    /// whether serving it read <c>api_keys</c>.
    /// </summary>
    private static async Task<(HttpStatusCode Status, bool ReadKeys)> ProbeAsync(KeyCacheFactory host, HttpClient client)
    {
        var path = $"/api/v1/patients/probe-{Guid.NewGuid():N}";
        var response = await client.GetAsync(path);
        return (response.StatusCode, host.ReadKeys("GET", path));
    }

    private static async Task<CreatedApiKeyResponse> NewKeyAsync(ApiFactory host, Guid clinicId, string role)
    {
        var created = await host.Admin().PostAsJsonAsync($"/api/v1/clinics/{clinicId}/api-keys", new { name = "cached", roles = new[] { role } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!;
    }

    /// <summary>As the CLI or an operator with psql would: no EF, no request, only the trigger to tell the instances.</summary>
    private static Task RevokeInSqlAsync(string connectionString, Guid keyId) =>
        ExecuteAsync(connectionString, "UPDATE api_keys SET revoked_at = now() WHERE id = @value", keyId);

    private static async Task KillListenerAsync(KeyCacheFactory host)
    {
        await ExecuteAsync(host.ConnectionString,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @value AND datname = current_database()",
            ApiKeyChangeListener.ApplicationName);
        var waited = Stopwatch.StartNew();
        while (host.Cache.IsListening)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the listener did not notice that its connection was killed");
            await Task.Delay(5);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, object value)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("value", value);
        await command.ExecuteNonQueryAsync();
    }
}
