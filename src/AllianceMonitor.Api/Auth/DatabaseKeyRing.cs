using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Keeps the data-protection key ring in the database rather than in the instance's home directory, so a cookie or
/// anti-forgery token issued by one instance is accepted by the others and by the next one after a restart.
/// The Microsoft.AspNetCore.DataProtection.EntityFrameworkCore package is not in this project's package mirror, so
/// this is the few lines it would have provided.
/// </summary>
public static class DatabaseKeyRing
{
    public const string ApplicationName = "AllianceMonitor";

    public const string CertificatePathSetting = "DataProtection:CertificatePath";
    public const string CertificatePasswordSetting = "DataProtection:CertificatePassword";

    /// <summary>
    /// With <c>DataProtection:CertificatePath</c> (a PKCS#12 file, optional <c>DataProtection:CertificatePassword</c>)
    /// the keys are encrypted with that certificate before they are stored, so reading the table is not enough to
    /// forge a session; every instance needs the same certificate. Without it they are stored as they are, and the
    /// framework warns so at start.
    /// </summary>
    public static IServiceCollection AddDatabaseKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName);
        if (configuration[CertificatePathSetting] is { Length: > 0 } path)
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[CertificatePasswordSetting]);
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(s =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new Repository(s.GetRequiredService<IServiceScopeFactory>())));
        return services;
    }

    /// <summary>
    /// Insert-only, as the key manager expects: keys are never updated in place, a revocation is a new element.
    /// The interface is synchronous; it is called rarely (start-up and key roll-over), and the key ring is cached.
    /// </summary>
    private sealed class Repository(IServiceScopeFactory scopes) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            return [.. db.DataProtectionKeys.OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(XElement.Parse)];
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            db.DataProtectionKeys.Add(new DataProtectionKeyEntity { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            db.SaveChanges();
        }
    }
}
