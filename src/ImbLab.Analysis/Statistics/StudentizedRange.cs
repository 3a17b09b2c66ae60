namespace ImbLab.Analysis.Statistics;

/// <summary>
/// The studentized range distribution: Q = (max - min of k iid standard normals) / S, with νS² ~ χ²_ν independent
/// (ν = ∞: S = 1, the plain range). Hand-written because no .NET numerics library ships it (Math.NET Numerics has
/// none) and the Nemenyi critical difference needs its quantile. Computed by quadrature of the textbook integrals
/// (Hartley 1942; Lund and Lund 1983):
/// P(W ≤ w) = k ∫ φ(z) [Φ(z) - Φ(z - w)]^(k-1) dz for the range W, and for finite ν
/// P(Q ≤ q) = ∫₀^∞ f_S(s) P(W ≤ q s) ds with f_S the density of √(χ²_ν/ν).
/// Tested against scipy.stats.studentized_range (tools/reference/ranking_goldens.py) and Demšar's Table 5.
/// </summary>
public static class StudentizedRange
{
    /// <summary>P(Q ≤ q) for k ≥ 2 groups and ν &gt; 0 degrees of freedom (double.PositiveInfinity for the plain range).</summary>
    public static double Cdf(double q, int k, double df)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "the studentized range needs at least 2 groups");
        if (double.IsNaN(q) || !(df > 0)) return double.NaN;
        if (q <= 0) return 0;
        if (double.IsPositiveInfinity(q)) return 1;
        if (double.IsPositiveInfinity(df)) return RangeCdf(q, k);
        // Density of S = √(χ²_ν/ν): ν^(ν/2) s^(ν-1) e^(-νs²/2) / (Γ(ν/2) 2^(ν/2-1)), computed in logs. Its mass lies
        // within a few standard deviations (≈ 1/√(2ν)) of 1; the tails beyond ±40 of them are below 1e-300.
        var logC = 0.5 * df * Math.Log(df) - SpecialFunctions.LogGamma(df / 2) - (df / 2 - 1) * Math.Log(2);
        double Density(double s) => s <= 0 ? 0 : Math.Exp(logC + (df - 1) * Math.Log(s) - df * s * s / 2);
        var sd = 1 / Math.Sqrt(2 * df);
        var lo = Math.Max(0, 1 - 40 * sd);
        var hi = df < 4 ? 60.0 : 1 + 40 * sd;
        var mode = df > 1 ? Math.Sqrt((df - 1) / df) : 0;
        // Split at the mode so the adaptive rule sees the peak as a panel edge.
        var cdf = Quadrature.Integrate(s => Density(s) * RangeCdf(q * s, k), lo, Math.Max(lo, mode), 1e-12)
                  + Quadrature.Integrate(s => Density(s) * RangeCdf(q * s, k), Math.Max(lo, mode), hi, 1e-12);
        return Math.Clamp(cdf, 0, 1);
    }

    /// <summary>P(Q &gt; q).</summary>
    public static double Sf(double q, int k, double df) => 1 - Cdf(q, k, df);

    /// <summary>The q with Cdf(q) = p (0 &lt; p &lt; 1), by the Illinois variant of regula falsi on a doubling bracket.</summary>
    public static double Quantile(double p, int k, double df)
    {
        if (double.IsNaN(p) || p <= 0 || p >= 1 || !(df > 0)) return double.NaN;
        double lo = 0, hi = 1;
        while (Cdf(hi, k, df) < p) { lo = hi; hi *= 2; if (hi > 1e6) return double.NaN; }
        double flo = -p, fhi = Cdf(hi, k, df) - p;
        var side = 0;
        for (var i = 0; i < 100; i++)
        {
            var x = hi - fhi * (hi - lo) / (fhi - flo);
            if (!(x > lo && x < hi)) x = 0.5 * (lo + hi);
            var fx = Cdf(x, k, df) - p;
            if (fx == 0 || Math.Abs(fx) < 1e-15) return x;
            // Illinois: when the same end moves twice in a row, halve the other end's value so the bracket closes from both sides.
            if (fx < 0) { lo = x; flo = fx; if (side == -1) fhi /= 2; side = -1; }
            else { hi = x; fhi = fx; if (side == 1) flo /= 2; side = 1; }
            if (hi - lo <= 1e-13 * hi) break;
        }
        return lo - flo * (hi - lo) / (fhi - flo);
    }

    /// <summary>P(W ≤ w) for the range of k iid standard normals.</summary>
    private static double RangeCdf(double w, int k)
    {
        if (w <= 0) return 0;
        // The integrand k φ(z) [Φ(z) - Φ(z - w)]^(k-1) is negligible outside z in [-9, 9] (φ(9) ≈ 1e-18); split at
        // 0 and w/2, between which its peak lies. Φ(z) - Φ(z - w) is taken from the side where it does not cancel.
        double Inner(double z)
        {
            var d = z > w / 2 ? Normal.Sf(z - w) - Normal.Sf(z) : Normal.Cdf(z) - Normal.Cdf(z - w);
            return k * Normal.Pdf(z) * Math.Pow(d, k - 1);
        }
        var a = -9.0;
        var b = Math.Min(w / 2, 9.0);
        var c = 9.0;
        var total = Quadrature.Integrate(Inner, a, Math.Min(0, b), 1e-13) + (b > 0 ? Quadrature.Integrate(Inner, 0, b, 1e-13) : 0)
                    + Quadrature.Integrate(Inner, b, c, 1e-13);
        return Math.Clamp(total, 0, 1);
    }
}

/// <summary>Adaptive Gauss-Kronrod (7-15) quadrature, the rule of QUADPACK's QAG, on a bisection stack.</summary>
internal static class Quadrature
{
    private static readonly double[] Xk =
    [
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
        0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0,
    ];

    private static readonly double[] Wk =
    [
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
        0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
    ];

    // Gauss weights for the nodes Xk[1], Xk[3], Xk[5], Xk[7].
    private static readonly double[] Wg =
    [
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ];

    /// <summary>
    /// ∫ f over [a, b]; a panel is accepted when QUADPACK's error estimate of its Kronrod sum,
    /// resasc · min(1, (200 |K - G| / resasc)^1.5), is within its share (by width) of <paramref name="tolerance"/>.
    /// At most 2000 panels.
    /// </summary>
    public static double Integrate(Func<double, double> f, double a, double b, double tolerance)
    {
        if (!(b > a)) return 0;
        var total = 0.0;
        var stack = new Stack<(double A, double B, int Depth)>();
        stack.Push((a, b, 0));
        var panels = 0;
        while (stack.Count > 0)
        {
            var (lo, hi, depth) = stack.Pop();
            var (kronrod, error) = Rule(f, lo, hi);
            panels++;
            if (error <= Math.Max(tolerance * (hi - lo) / (b - a), 1e-15 * Math.Abs(kronrod)) || depth >= 30 || panels > 2000)
            {
                total += kronrod;
                continue;
            }
            var mid = 0.5 * (lo + hi);
            stack.Push((mid, hi, depth + 1));
            stack.Push((lo, mid, depth + 1));
        }
        return total;
    }

    private static (double Kronrod, double Error) Rule(Func<double, double> f, double a, double b)
    {
        var centre = 0.5 * (a + b);
        var half = 0.5 * (b - a);
        Span<double> values = stackalloc double[15];
        values[7] = f(centre);
        var kronrod = Wk[7] * values[7];
        var gauss = Wg[3] * values[7];
        for (var i = 0; i < 7; i++)
        {
            var dx = half * Xk[i];
            values[i] = f(centre - dx);
            values[14 - i] = f(centre + dx);
            var sum = values[i] + values[14 - i];
            kronrod += Wk[i] * sum;
            if (i % 2 == 1) gauss += Wg[i / 2] * sum;
        }
        // QUADPACK's qk15: resasc approximates the integral of |f - mean|, and scales the Gauss-Kronrod difference.
        var mean = kronrod / 2;
        var resasc = Wk[7] * Math.Abs(values[7] - mean);
        for (var i = 0; i < 7; i++) resasc += Wk[i] * (Math.Abs(values[i] - mean) + Math.Abs(values[14 - i] - mean));
        resasc *= half;
        var error = Math.Abs((kronrod - gauss) * half);
        if (resasc != 0 && error != 0) error = resasc * Math.Min(1, Math.Pow(200 * error / resasc, 1.5));
        return (kronrod * half, error);
    }
}
