using Microsoft.AspNetCore.Hosting;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// A host whose analysis minimums are low enough for a small seeded clinic (4 therapists, about 50 pairs per modality),
/// so the tests can compare every reported figure with the engine; the defaults are tested in the default host.
/// </summary>
public sealed class LowAnalysisMinimumsApiFactory : ApiFactory
{
    public const int MinPairsPerModality = 10;
    public const int MinTherapists = 3;

    protected override void ConfigureTestHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Analysis:MinPairsPerModality", MinPairsPerModality.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Analysis:MinTherapists", MinTherapists.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
