namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>What the contract handler checked over the whole run; printed at its end by <see cref="ContractReportingFramework"/>.</summary>
public static class ContractLedger
{
    private static int validated;
    private static int unrouted;
    private static int skipped;

    public static int ValidatedCount => Volatile.Read(ref validated);

    public static void Validated() => Interlocked.Increment(ref validated);

    public static void Unrouted() => Interlocked.Increment(ref unrouted);

    public static void Skipped() => Interlocked.Increment(ref skipped);

    public static string Summary() =>
        $"OpenAPI contract: {Volatile.Read(ref validated)} API responses validated against /openapi/v1.json (status, media type, body schema), "
        + $"{Volatile.Read(ref unrouted)} answers to undocumented paths (404/405), "
        + $"{Volatile.Read(ref skipped)} non-API responses (dashboard, health, documents) not checked.";
}
