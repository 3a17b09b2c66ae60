using System.Globalization;

namespace ImbLab.Report;

/// <summary>How the report model picks axis ranges and ticks from the values a figure shows.</summary>
internal static class Scales
{
    /// <summary>The share of the data span added on either side, so no mark sits on the frame.</summary>
    private const double Pad = 0.05;

    /// <summary>
    /// The range a quantity can take (e.g. recall in [0, 1]), padded a little so values at its ends stay visible, and
    /// widened to the data should any value fall outside it.
    /// </summary>
    public static Axis Bounded(string label, double min, double max, IEnumerable<double>? values = null)
    {
        var (lo, hi) = Extent(values ?? []);
        var pad = (max - min) * 0.02;
        return Ticked(label, Math.Min(min - pad, double.IsNaN(lo) ? min : lo - pad), Math.Max(max + pad, double.IsNaN(hi) ? max : hi + pad));
    }

    /// <summary>A linear axis over the finite values, padded; [0, 1] when there are none.</summary>
    public static Axis Linear(string label, IEnumerable<double> values)
    {
        var (lo, hi) = Extent(values);
        if (double.IsNaN(lo)) return Ticked(label, 0, 1);
        if (lo == hi)
        {
            var half = lo == 0 ? 0.5 : Math.Abs(lo) * 0.1;
            return Ticked(label, lo - half, hi + half);
        }
        var pad = (hi - lo) * Pad;
        return Ticked(label, lo - pad, hi + pad);
    }

    /// <summary>A linear axis over [min, max] with ticks at round steps (1, 2 or 5 times a power of ten), about <paramref name="target"/> of them.</summary>
    public static Axis Ticked(string label, double min, double max, int target = 5) => new(label, min, max, NiceTicks(min, max, target));

    public static IReadOnlyList<Tick> NiceTicks(double min, double max, int target = 5)
    {
        var step = NiceStep((max - min) / target);
        var decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        var ticks = new List<Tick>();
        for (var k = Math.Ceiling(min / step - 1e-9); k * step <= max + step * 1e-9; k++)
        {
            var v = Math.Round(k * step, decimals + 1);
            ticks.Add(new Tick(v, (v == 0 ? 0 : v).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)));
        }
        return ticks;
    }

    /// <summary>The round step (1, 2 or 5 times a power of ten) nearest to a raw step.</summary>
    public static double NiceStep(double raw)
    {
        if (!(raw > 0) || !double.IsFinite(raw)) return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var norm = raw / magnitude;
        return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
    }

    /// <summary>
    /// A log10 axis with a tick at every level present, labelled in the original units: the levels of a sweep (e.g.
    /// IR 130, 200, 300) would mostly go unlabelled with 1-2-5 steps. Non-positive values cannot be placed and are left out.
    /// </summary>
    public static Axis LogLevels(string label, IEnumerable<double> values)
    {
        var levels = values.Where(v => v > 0 && double.IsFinite(v)).Distinct().Order().ToArray();
        if (levels.Length == 0) return new Axis(label, 1, 10, [new Tick(1, "1"), new Tick(10, "10")], AxisScale.Log10);
        var (lo, hi) = (Math.Log10(levels[0]), Math.Log10(levels[^1]));
        var pad = hi > lo ? (hi - lo) * Pad : 0.5;
        return new Axis(label, Math.Pow(10, lo - pad), Math.Pow(10, hi + pad),
            levels.Select(v => new Tick(v, v.ToString("0.###", CultureInfo.InvariantCulture))).ToList(), AxisScale.Log10);
    }

    /// <summary>
    /// The epoch axis of a whole run: log10(1 + epoch / unit) with the unit the first checkpoint after epoch 0, so
    /// epoch 0, the log-spaced checkpoints inside the first epochs and the last epoch all have room. Ticks at 0, the
    /// powers of ten in between and the last epoch.
    /// </summary>
    public static Axis Epochs(IEnumerable<double> epochs)
    {
        var all = epochs.Where(double.IsFinite).ToArray();
        var first = all.Where(e => e > 0).DefaultIfEmpty(1).Min();
        var last = all.DefaultIfEmpty(1).Max();
        var unit = Math.Min(1, first);
        var ticks = new List<Tick> { new(0, "0") };
        for (var k = (int)Math.Ceiling(Math.Log10(unit) - 1e-9); Math.Pow(10, k) < last * (1 - 1e-9); k++)
            ticks.Add(new Tick(Math.Pow(10, k), Math.Pow(10, k).ToString("0.####", CultureInfo.InvariantCulture)));
        if (last > 0) ticks.Add(new Tick(last, last.ToString("0.##", CultureInfo.InvariantCulture)));
        var axis = new Axis("epoch (log scale from 0)", 0, Math.Max(last, unit), ticks, AxisScale.SymLog, unit);
        // A little room on either side in placed units, so the first and last points do not sit on the frame.
        var span = axis.Place(axis.Max);
        return axis with { Min = unit * (Math.Pow(10, -span * 0.02) - 1), Max = unit * (Math.Pow(10, span * 1.02) - 1) };
    }

    /// <summary>Points of a series kept evenly along a (possibly log) axis: at most about maxPoints, always the first and the last.</summary>
    public static int[] Spread(double[] xs, Axis axis, int maxPoints)
    {
        if (xs.Length <= maxPoints) return Enumerable.Range(0, xs.Length).ToArray();
        var min = (axis.Place(axis.Max) - axis.Place(axis.Min)) / maxPoints;
        var kept = new List<int> { 0 };
        for (var i = 1; i < xs.Length - 1; i++)
            if (axis.Place(xs[i]) - axis.Place(xs[kept[^1]]) >= min) kept.Add(i);
        kept.Add(xs.Length - 1);
        return kept.ToArray();
    }

    /// <summary>The smallest and largest finite value; NaN, NaN when there is none.</summary>
    public static (double Min, double Max) Extent(IEnumerable<double> values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        return lo > hi ? (double.NaN, double.NaN) : (lo, hi);
    }

    /// <summary>Every y value a line chart draws: means and band ends.</summary>
    public static IEnumerable<double> Values(IEnumerable<LineSeries> series) =>
        series.SelectMany(s => s.Y.Concat(s.Low ?? []).Concat(s.High ?? []));
}
