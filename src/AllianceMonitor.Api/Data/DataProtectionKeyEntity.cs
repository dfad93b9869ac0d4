namespace AllianceMonitor.Api.Data;

/// <summary>
/// One ASP.NET Core data-protection key, as the XML the key manager writes. Kept in the database so every instance
/// (and the next one after a restart) reads the same key ring: session cookies and anti-forgery tokens stay valid.
/// </summary>
public sealed class DataProtectionKeyEntity
{
    public int Id { get; init; }
    public string? FriendlyName { get; init; }
    public required string Xml { get; init; }
}
