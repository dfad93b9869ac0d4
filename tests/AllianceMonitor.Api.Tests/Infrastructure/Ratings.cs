using System.Net.Http.Json;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>Item vectors that score to a chosen total, so a test can say "alliance 4.5" and send a real form.</summary>
public static class Ratings
{
    /// <summary>WAI-SR items (12 items, 1-5) whose mean is <paramref name="total"/> / 12.</summary>
    public static int[] WaiSr(int total) => Spread(total, 12, 1, 5);

    /// <summary>PHQ-9 items (9 items, 0-3) summing to <paramref name="total"/>.</summary>
    public static int[] Phq9(int total) => Spread(total, 9, 0, 3);

    /// <summary>A session whose client WAI-SR has the given total (12-60) and, optionally, a PHQ-9 total.</summary>
    public static object Session(int waiSrTotal, int? phq9Total = null, string therapistId = "t-7")
    {
        var measurements = new List<object> { new { instrument = "wai-sr", items = WaiSr(waiSrTotal) } };
        if (phq9Total is { } phq)
        {
            measurements.Add(new { instrument = "phq-9", items = Phq9(phq) });
        }

        return new { occurredOn = "2026-11-02", modality = "video", therapistId, measurements };
    }

    /// <summary>A session with only a client PHQ-9 of the given total (0-27).</summary>
    public static object Phq9Session(int total) =>
        new { measurements = new[] { new { instrument = "phq-9", items = Phq9(total) } } };

    /// <summary>PUTs sessions 1, 2, ... of one patient with these WAI-SR totals, each of which must succeed.</summary>
    public static async Task PutSeriesAsync(HttpClient ingest, string patient, params int[] totals)
    {
        for (var i = 0; i < totals.Length; i++)
        {
            var response = await ingest.PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{i + 1}", Session(totals[i]));
            Assert.True(response.IsSuccessStatusCode, $"session {i + 1}: {(int)response.StatusCode}");
        }
    }

    private static int[] Spread(int total, int count, int min, int max)
    {
        if (total < count * min || total > count * max)
        {
            throw new ArgumentOutOfRangeException(nameof(total));
        }

        var extra = total - (count * min);
        return Enumerable.Range(0, count).Select(i => min + (extra / count) + (i < extra % count ? 1 : 0)).ToArray();
    }
}
