using ImbLab.Analysis.Statistics;
using Xunit;

namespace ImbLab.Tests.Statistics;

public sealed class BoundedIntervalTests
{
    [Fact]
    public void Given_a_t_interval_past_the_range_When_clamped_Then_its_ends_stop_at_the_range_and_it_says_so()
    {
        var e = Descriptive.MeanInterval([1.0, 1.0, 0.3]);
        Assert.True(e.Low < 0 && e.High > 1, $"[{e.Low}, {e.High}]");

        var c = e.Clamp(0, 1, out var clamped);

        Assert.True(clamped);
        Assert.Equal((e.Value, 0.0, 1.0, 3), (c.Value, c.Low, c.High, c.N));
    }

    [Fact]
    public void Given_an_interval_inside_the_range_or_none_When_clamped_Then_nothing_moves()
    {
        var e = new Estimate(0.5, 0.4, 0.6, 5);
        Assert.Equal(e, e.Clamp(0, 1, out var clamped));
        Assert.False(clamped);
        var none = new Estimate(0.5, double.NaN, double.NaN, 1);
        Assert.Equal(none, none.Clamp(0, 1, out clamped));
        Assert.False(clamped);
    }

    [Theory]
    [InlineData(0.0, "< 1e-16")]
    [InlineData(1e-300, "< 1e-16")]
    [InlineData(2.5e-5, "2.5E-5")]
    [InlineData(0.0123, "0.012")]
    [InlineData(double.NaN, "n/a")]
    public void Given_a_p_value_When_written_Then_tiny_ones_read_as_below_1e_16(double p, string text) =>
        Assert.Equal(text, PValueText.Format(p));
}
