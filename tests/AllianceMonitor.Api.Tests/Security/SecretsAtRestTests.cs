using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// Webhook signing secrets and research keys are stored encrypted with the database key ring; rows an older version
/// wrote in clear are encrypted when the upgraded service migrates, and still work afterwards.
/// </summary>
public sealed class SecretsAtRestTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    private const string LastMigrationWithClearSecrets = "20261202010000_CalibrationTrigger";

    [Fact]
    public async Task The_stored_webhook_secret_is_not_the_secret_and_deliveries_still_verify_with_it()
    {
        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/stored"));

        var stored = await ScalarAsync<string>(factory.ConnectionString, $"SELECT protected_secret FROM webhook_subscriptions WHERE id = '{webhook.Id}'");
        AssertNotInClear(webhook.Secret, stored);
        var table = await DumpTableAsync(factory.ConnectionString, "webhook_subscriptions");
        Assert.DoesNotContain(webhook.Secret["whsec_".Length..], table, StringComparison.Ordinal);

        var eventId = await SendPingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);
        Assert.True(SignatureIsValid(webhook.Secret, Assert.Single(receiver.At("/stored"))));
    }

    [Fact]
    public async Task The_stored_research_key_is_encrypted_and_linkable_exports_still_agree()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 50, 52, 51);
        var researcher = factory.Client(tenant.Researcher);
        var first = await researcher.GetStringAsync("/api/v1/export/sessions?linkable=true");
        var second = await researcher.GetStringAsync("/api/v1/export/sessions?linkable=true");
        Assert.Equal(first, second);

        var stored = await ScalarAsync<byte[]>(factory.ConnectionString, $"SELECT protected_key FROM research_keys WHERE clinic_id = '{tenant.ClinicId}'");
        Assert.NotEqual(Pseudonyms.KeyBytes, stored.Length);
        await using var db = factory.NewDbContext();
        var key = await factory.Services.GetRequiredService<ResearchKeys>().GetOrCreateAsync(db, tenant.ClinicId, DateTimeOffset.UtcNow, default);
        Assert.Equal(Pseudonyms.KeyBytes, key.Length);
        Assert.False(Contains(stored, key), "the stored value contains the key");
    }

    [Fact]
    public async Task Clear_secrets_written_by_an_older_version_are_encrypted_on_upgrade_and_keep_working()
    {
        // The database as the version before encryption at rest left it: its schema, a webhook and a research key in clear.
        var connectionString = await TestDatabaseServer.CreateEmptyDatabaseAsync();
        await using (var db = TestDatabaseServer.Context(connectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync(LastMigrationWithClearSecrets);
        }

        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var clinicId = Guid.NewGuid();
        var webhookId = Guid.NewGuid();
        var oldSecret = WebhookSigner.NewSecret();
        var oldKey = Pseudonyms.NewKey();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO clinics (id, name, created_at) VALUES (@clinic, 'Old clinic', now());
                INSERT INTO webhook_subscriptions (id, clinic_id, url, events, secret, created_at)
                VALUES (@webhook, @clinic, @url, ARRAY['alert.created'], @secret, now());
                INSERT INTO research_keys (clinic_id, key, created_at) VALUES (@clinic, @key, now());
                """,
                connection);
            insert.Parameters.AddWithValue("clinic", clinicId);
            insert.Parameters.AddWithValue("webhook", webhookId);
            insert.Parameters.AddWithValue("url", receiver.Url("/upgraded"));
            insert.Parameters.AddWithValue("secret", oldSecret);
            insert.Parameters.AddWithValue("key", oldKey);
            await insert.ExecuteNonQueryAsync();
        }

        await using var upgraded = new MigratingHost(connectionString);
        _ = upgraded.Services;

        var storedSecret = await ScalarAsync<string>(connectionString, $"SELECT protected_secret FROM webhook_subscriptions WHERE id = '{webhookId}'");
        AssertNotInClear(oldSecret, storedSecret);
        var storedKey = await ScalarAsync<byte[]>(connectionString, $"SELECT protected_key FROM research_keys WHERE clinic_id = '{clinicId}'");
        Assert.NotEqual(Pseudonyms.KeyBytes, storedKey.Length);
        Assert.False(Contains(storedKey, oldKey), "the stored value contains the old key");

        // The receiver keeps its secret and the researchers their pseudonyms: nothing changed but the storage.
        var created = await upgraded.Admin().PostAsJsonAsync($"/api/v1/clinics/{clinicId}/api-keys", new { name = "admin", roles = new[] { "admin" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var admin = upgraded.Client((await created.Content.ReadFromJsonAsync<Api.Clinics.CreatedApiKeyResponse>())!.Key);
        var eventId = await SendPingAsync(admin, webhookId);
        await WaitUntilDeliveredAsync(admin, webhookId, eventId);
        Assert.True(SignatureIsValid(oldSecret, Assert.Single(receiver.At("/upgraded"))), "the delivery does not verify with the secret from before the upgrade");

        await using var context = upgraded.NewDbContext();
        var key = await upgraded.Services.GetRequiredService<ResearchKeys>().GetOrCreateAsync(context, clinicId, DateTimeOffset.UtcNow, default);
        Assert.Equal(oldKey, key);
    }

    private static void AssertNotInClear(string secret, string stored)
    {
        Assert.NotEqual(secret, stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored, StringComparison.Ordinal);
        Assert.False(stored.StartsWith("whsec_", StringComparison.Ordinal), "the stored value is a clear secret");
    }

    private static bool Contains(byte[] haystack, byte[] needle) =>
        haystack.AsSpan().IndexOf(needle.AsSpan()) >= 0;

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The whole table as text, every column, as a dump would show it.</summary>
    private static async Task<string> DumpTableAsync(string connectionString, string table) =>
        await ScalarAsync<string>(connectionString, $"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {table} t");

    /// <summary>An upgraded instance: it migrates at start, as <c>Database:MigrateOnStartup</c> makes it.</summary>
    private sealed class MigratingHost : ApiFactory
    {
        public MigratingHost(string connectionString) => ConnectionString = connectionString;

        protected override void ConfigureTestHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Database:MigrateOnStartup", "true");
            builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        }
    }
}
