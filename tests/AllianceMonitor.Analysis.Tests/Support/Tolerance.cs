namespace AllianceMonitor.Analysis.Tests.Support;

public static class Tolerance
{
    /// <summary>Asserts |actual - expected| &lt;= max(relative * |expected|, absoluteFloor).</summary>
    public static void Close(double expected, double actual, double relative, double absoluteFloor, string what)
    {
        var allowed = Math.Max(relative * Math.Abs(expected), absoluteFloor);
        var difference = Math.Abs(actual - expected);
        Assert.True(
            difference <= allowed,
            $"{what}: expected {expected:R}, got {actual:R}, |diff| {difference:E3} > allowed {allowed:E3}");
    }
}
