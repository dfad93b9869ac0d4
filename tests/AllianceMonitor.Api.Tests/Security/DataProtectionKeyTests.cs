using System.Net;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// The data-protection key ring lives in the database, so a session cookie and a form token issued by one instance
/// are good on another instance (or the same one restarted) that uses the same database, and only because of it.
/// </summary>
public sealed class DataProtectionKeyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_second_host_on_the_same_database_accepts_the_first_hosts_session_and_form_token()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var jar = new CookieContainer();
        var first = Session(factory, jar);
        await first.SignedInAsync(tenant.Clinician);
        var token = await first.TokenAsync("/");

        await using (var db = factory.NewDbContext())
        {
            var keys = await db.DataProtectionKeys.ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.StartsWith("<key ", k.Xml, StringComparison.Ordinal));
        }

        await using var secondHost = ApiFactory.OnDatabase(factory.ConnectionString);
        var second = Session(secondHost, jar);
        var inbox = await second.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
        Assert.Contains("Alert inbox", await inbox.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var signOut = await second.Http.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith("/login", signOut.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_stored_keys_a_new_host_does_not_accept_the_cookie()
    {
        // A database of its own: deleting the key ring here must not pull it from under the other test.
        await using var firstHost = new ApiFactory();
        await firstHost.InitializeAsync();
        var tenant = await Tenant.CreateAsync(firstHost);
        var jar = new CookieContainer();
        await Session(firstHost, jar).SignedInAsync(tenant.Clinician);

        await using (var db = firstHost.NewDbContext())
        {
            Assert.NotEqual(0, await db.DataProtectionKeys.ExecuteDeleteAsync());
        }

        await using var secondHost = ApiFactory.OnDatabase(firstHost.ConnectionString);
        var response = await Session(secondHost, jar).Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_a_second_host_with_it_still_accepts_the_cookie()
    {
        var folder = Directory.CreateTempSubdirectory("am-keyring-");
        try
        {
            var path = Path.Combine(folder.FullName, "keyring.pfx");
            using (var rsa = System.Security.Cryptography.RSA.Create(2048))
            {
                var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                    "CN=AllianceMonitor key ring test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
                using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
                await File.WriteAllBytesAsync(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "test-password"));
            }

            await using var firstHost = new CertificateHost(path);
            await firstHost.InitializeAsync();
            var tenant = await Tenant.CreateAsync(firstHost);
            var jar = new CookieContainer();
            await Session(firstHost, jar).SignedInAsync(tenant.Clinician);

            await using (var db = firstHost.NewDbContext())
            {
                var keys = await db.DataProtectionKeys.ToListAsync();
                Assert.NotEmpty(keys);
                Assert.All(keys, k => Assert.Contains("<encryptedSecret", k.Xml, StringComparison.Ordinal));
                Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k.Xml, StringComparison.Ordinal));
            }

            await using var secondHost = new CertificateHost(path, firstHost.ConnectionString);
            Assert.Equal(HttpStatusCode.OK, (await Session(secondHost, jar).Http.GetAsync("/")).StatusCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class CertificateHost : ApiFactory
    {
        private readonly string certificatePath;

        public CertificateHost(string certificatePath, string? connectionString = null)
        {
            this.certificatePath = certificatePath;
            ConnectionString = connectionString ?? "";
        }

        protected override void ConfigureTestHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("DataProtection:CertificatePath", certificatePath);
            builder.UseSetting("DataProtection:CertificatePassword", "test-password");
        }
    }

    /// <summary>A browser-like session whose cookies live in <paramref name="jar"/>, so another host can be handed them.</summary>
    private static DashboardSession Session(ApiFactory host, CookieContainer jar) =>
        new(host.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(jar)));
}
