namespace AllianceMonitor.Api.Auth;

public static class Roles
{
    /// <summary>Manages clinics and keys. A key without a clinic administers every clinic.</summary>
    public const string Admin = "admin";

    /// <summary>A teletherapy platform: writes patients and sessions.</summary>
    public const string Ingest = "ingest";

    /// <summary>Reads patients, trajectories and alerts.</summary>
    public const string Clinician = "clinician";

    /// <summary>Exports de-identified data and reads model results; never patient-level views.</summary>
    public const string Researcher = "researcher";

    public static IReadOnlyList<string> All { get; } = [Admin, Ingest, Clinician, Researcher];
}

public static class ClaimNames
{
    public const string KeyId = "key_id";
    public const string ClinicId = "clinic_id";
}
