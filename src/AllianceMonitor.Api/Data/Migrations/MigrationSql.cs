namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>Reads a migration's SQL, shipped inside the assembly so a published service needs no loose files.</summary>
internal static class MigrationSql
{
    public static string Read(string name)
    {
        var resource = $"{typeof(MigrationSql).Namespace}.{name}.sql";
        using var stream = typeof(MigrationSql).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration script {resource} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
