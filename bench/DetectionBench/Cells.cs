namespace AllianceMonitor.Bench.Detection;

/// <summary>A grid cell: a generating process, replicated over <paramref name="Clinics"/> clinics of <paramref name="Patients"/> patients.</summary>
public sealed record Cell(string Name, GridProcess Process, int Patients, int Clinics);

/// <summary>
/// The grid of issue 11, one factor at a time around a realistic base (AR(1) 0.3, patient-specific trends, about 10%
/// of ratings at the ceiling, dips 2-4 SDs deep starting from session 3, 1-3 sessions long, clinics of 300). Each cell
/// holds about 3,600 patients (12 clinics of 300: about 38,000 sessions, 900 ruptures; with 6 clinics a cell's ratio
/// to its oracle differed by up to 0.1 between tuning and evaluation seeds); the small-clinic cell is 120 clinics of
/// 30, each calibrated on its own 30 patients, and the large one 2 clinics of 2,000.
/// </summary>
public static class Cells
{
    public static IEnumerable<Cell> Grid()
    {
        var b = new GridProcess();
        yield return new("base", b, 300, 12);
        yield return new("noise iid", b with { Phi = 0 }, 300, 12);
        yield return new("noise AR 0.2", b with { Phi = 0.2 }, 300, 12);
        yield return new("noise AR 0.4", b with { Phi = 0.4 }, 300, 12);
        yield return new("trend none", b with { SlopeMean = 0, SlopeSd = 0 }, 300, 12);
        yield return new("trend steep", b with { SlopeMean = 0.02, SlopeSd = 0.04 }, 300, 12);
        yield return new("ceiling low", b with { GrandMean = 3.5 }, 300, 12);
        yield return new("ceiling high", b with { GrandMean = 4.6 }, 300, 12);
        yield return new("depth 2-2.7", b with { DepthMin = 2, DepthMax = 2.67 }, 300, 12);
        yield return new("depth 2.7-3.3", b with { DepthMin = 2.67, DepthMax = 3.33 }, 300, 12);
        yield return new("depth 3.3-4", b with { DepthMin = 3.33, DepthMax = 4 }, 300, 12);
        yield return new("onset 3-4", b with { OnsetEarly = true }, 300, 12);
        yield return new("onset late", b with { OnsetLate = true }, 300, 12);
        yield return new("length 1", b with { LengthMin = 1, LengthMax = 1 }, 300, 12);
        yield return new("length 2", b with { LengthMin = 2, LengthMax = 2 }, 300, 12);
        yield return new("length 3", b with { LengthMin = 3, LengthMax = 3 }, 300, 12);
        yield return new("size 30", b, 30, 120);
        yield return new("size 2000", b, 2000, 2);
    }
}
