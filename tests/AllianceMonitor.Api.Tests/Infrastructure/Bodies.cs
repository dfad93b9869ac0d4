namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>Request bodies the tests send, written as a platform would write them.</summary>
public static class Bodies
{
    public static readonly int[] WaiSrItems = [4, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5];
    public static readonly int[] Phq9Items = [2, 1, 2, 1, 1, 0, 1, 1, 0];

    public static object Session(int[]? waiSr = null, int[]? phq9 = null, string modality = "video") => new
    {
        occurredOn = "2026-11-02",
        modality,
        therapistId = "t-7",
        measurements = new object[]
        {
            new { instrument = "wai-sr", items = waiSr ?? WaiSrItems },
            new { instrument = "phq-9", items = phq9 ?? Phq9Items },
        },
    };
}
