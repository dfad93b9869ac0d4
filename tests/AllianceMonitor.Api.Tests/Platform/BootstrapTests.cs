using System.Net;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Platform;

public sealed class BootstrapTests
{
    [Fact]
    public async Task A_configured_admin_key_is_stored_once_by_hash_only()
    {
        await using var db = await FreshAsync();
        const string key = "configured-admin-key-0123456789";

        await BootstrapAdminKey.EnsureAsync(db, key, generateIfMissing: false, TextWriter.Null);
        await BootstrapAdminKey.EnsureAsync(db, key, generateIfMissing: false, TextWriter.Null);

        var stored = Assert.Single(await db.ApiKeys.ToListAsync());
        Assert.Equal(ApiKeySecrets.Hash(key), stored.KeyHash);
        Assert.Equal(["admin"], stored.Roles);
        Assert.Null(stored.ClinicId);
        Assert.DoesNotContain(key, stored.Prefix + stored.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_short_configured_key_is_refused()
    {
        await using var db = await FreshAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => BootstrapAdminKey.EnsureAsync(db, "short", false, TextWriter.Null));
    }

    [Fact]
    public async Task The_embedded_default_generates_a_key_once_and_prints_it_once()
    {
        await using var db = await FreshAsync();
        var first = new StringWriter();
        var second = new StringWriter();

        await BootstrapAdminKey.EnsureAsync(db, null, generateIfMissing: true, first);
        await BootstrapAdminKey.EnsureAsync(db, null, generateIfMissing: true, second);

        var printed = PrintedKey(first);
        Assert.Equal("", second.ToString());
        var stored = Assert.Single(await db.ApiKeys.ToListAsync());
        Assert.True(ApiKeySecrets.Matches(stored.KeyHash, printed));
    }

    [Fact]
    public async Task Without_a_configured_key_a_configured_database_gets_none()
    {
        await using var db = await FreshAsync();
        await BootstrapAdminKey.EnsureAsync(db, null, generateIfMissing: false, TextWriter.Null);
        Assert.Empty(await db.ApiKeys.ToListAsync());
    }

    [Fact]
    public async Task The_printed_key_authenticates_over_http()
    {
        await using var factory = new ApiFactory();
        await factory.InitializeAsync();
        var console = new StringWriter();
        await using (var db = factory.NewDbContext())
        {
            db.ApiKeys.RemoveRange(db.ApiKeys);
            await db.SaveChangesAsync();
            await BootstrapAdminKey.EnsureAsync(db, null, generateIfMissing: true, console);
        }

        var response = await factory.Client(PrintedKey(console)).PostAsync("/api/v1/clinics", new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static string PrintedKey(StringWriter console) =>
        console.ToString().Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("amk_", StringComparison.Ordinal));

    private static async Task<AllianceDbContext> FreshAsync() => TestDatabaseServer.Context(await TestDatabaseServer.CreateDatabaseAsync());
}
