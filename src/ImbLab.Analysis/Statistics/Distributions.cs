namespace ImbLab.Analysis.Statistics;

/// <summary>The standard normal distribution. Quantiles by Halley refinement of a rational first guess.</summary>
internal static class Normal
{
    private static readonly double SqrtTwoPi = Math.Sqrt(2 * Math.PI);

    public static double Pdf(double x) => Math.Exp(-0.5 * x * x) / SqrtTwoPi;

    /// <summary>P(Z ≤ x).</summary>
    public static double Cdf(double x) => 0.5 * SpecialFunctions.Erfc(-x / Math.Sqrt(2));

    /// <summary>P(Z &gt; x), accurate in the upper tail (no 1 - Cdf cancellation).</summary>
    public static double Sf(double x) => 0.5 * SpecialFunctions.Erfc(x / Math.Sqrt(2));

    /// <summary>The x with Cdf(x) = p; ±∞ at 0 and 1, NaN outside [0, 1].</summary>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0;
        if (p > 0.5) return -LowerQuantile(1 - p);
        return LowerQuantile(p);
    }

    private static double LowerQuantile(double p)
    {
        // Abramowitz & Stegun 26.2.23 (|error| < 4.5e-4) as the start, then Halley steps on the lower tail,
        // whose Cdf keeps full relative accuracy for tiny p.
        var t = Math.Sqrt(-2 * Math.Log(p));
        var x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
        for (var i = 0; i < 50; i++)
        {
            var e = Cdf(x) - p;
            var u = e / Pdf(x);
            var step = u / (1 + x * u / 2);
            x -= step;
            if (Math.Abs(step) <= 1e-15 * Math.Max(1, Math.Abs(x))) break;
        }
        return x;
    }
}

/// <summary>Student's t distribution with ν degrees of freedom (ν &gt; 0, need not be an integer).</summary>
internal static class StudentT
{
    /// <summary>P(T ≤ t).</summary>
    public static double Cdf(double t, double df) => t >= 0 ? 1 - Sf(t, df) : Sf(-t, df);

    /// <summary>P(T &gt; t), accurate in the upper tail.</summary>
    public static double Sf(double t, double df)
    {
        if (double.IsNaN(t) || !(df > 0)) return double.NaN;
        if (double.IsPositiveInfinity(t)) return 0;
        if (double.IsNegativeInfinity(t)) return 1;
        if (t < 0) return 1 - Sf(-t, df);
        var t2 = t * t;
        // P(|T| > t) = I_{ν/(ν+t²)}(ν/2, 1/2); both arguments passed exactly.
        return 0.5 * SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
    }

    /// <summary>Two-sided p-value P(|T| ≥ |t|).</summary>
    public static double TwoSidedP(double t, double df) => double.IsNaN(t) ? double.NaN : Math.Min(1, 2 * Sf(Math.Abs(t), df));

    public static double Pdf(double t, double df) =>
        Math.Exp(SpecialFunctions.LogGamma((df + 1) / 2) - SpecialFunctions.LogGamma(df / 2) - 0.5 * Math.Log(df * Math.PI)
                 - (df + 1) / 2 * Math.Log(1 + t * t / df));

    /// <summary>The t with Cdf(t) = p, by a bracketed Newton iteration (bisection when a step leaves the bracket).</summary>
    public static double Quantile(double p, double df)
    {
        if (double.IsNaN(p) || p < 0 || p > 1 || !(df > 0)) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0;
        if (p > 0.5) return -Quantile(1 - p, df);
        // Lower tail: the root of Sf(-x) - p = 0 for x < 0, i.e. find s > 0 with Sf(s) = p.
        double lo = 0, hi = Math.Max(1, -Normal.Quantile(p));
        while (Sf(hi, df) > p) { lo = hi; hi *= 2; }
        var s = 0.5 * (lo + hi);
        for (var i = 0; i < 200; i++)
        {
            var f = Sf(s, df) - p;
            if (f > 0) lo = s; else hi = s;
            var next = s + f / Pdf(s, df);
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - s) <= 1e-15 * Math.Max(1, s)) { s = next; break; }
            s = next;
        }
        return -s;
    }
}

/// <summary>The chi-square distribution with k degrees of freedom.</summary>
internal static class ChiSquare
{
    public static double Cdf(double x, double df) => x <= 0 ? 0 : SpecialFunctions.GammaP(df / 2, x / 2);

    /// <summary>P(X &gt; x), accurate in the upper tail (the p-value of a chi-square test).</summary>
    public static double Sf(double x, double df) => x <= 0 ? 1 : SpecialFunctions.GammaQ(df / 2, x / 2);
}

/// <summary>Fisher's F distribution with d1 and d2 degrees of freedom.</summary>
internal static class FisherF
{
    /// <summary>P(F &gt; x) = I_{d2/(d2 + d1 x)}(d2/2, d1/2), the p-value of an F test.</summary>
    public static double Sf(double x, double d1, double d2)
    {
        if (double.IsNaN(x) || !(d1 > 0) || !(d2 > 0)) return double.NaN;
        if (x <= 0) return 1;
        if (double.IsPositiveInfinity(x)) return 0;
        var denominator = d2 + d1 * x;
        return SpecialFunctions.BetaRegularized(d2 / 2, d1 / 2, d2 / denominator, d1 * x / denominator);
    }
}
