using Xunit.Sdk;

namespace ImbLab.Tests.Metrics;

internal static class MetricsAssert
{
    /// <summary>Equal within a relative tolerance (with a tiny absolute floor for expected zeros); NaN equals only NaN.</summary>
    public static void Close(double expected, double actual, double relative, string what, double absolute = 1e-15)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual))
        {
            if (double.IsNaN(expected) != double.IsNaN(actual))
                throw new XunitException($"{what}: expected {expected:R}, got {actual:R}");
            return;
        }
        var difference = Math.Abs(expected - actual);
        if (difference > relative * Math.Abs(expected) && difference > absolute)
            throw new XunitException($"{what}: expected {expected:R}, got {actual:R} (difference {difference:R})");
    }

    public static void InUnitIntervalOrNaN(double value, string what)
    {
        if (!double.IsNaN(value) && (value < 0 || value > 1))
            throw new XunitException($"{what} = {value:R} is outside [0, 1]");
    }
}
