namespace ImbLab.Data;

/// <summary>The standard normal CDF, accurate to about 1e-15 absolute (.NET has no erf).</summary>
internal static class Normal
{
    public static double Cdf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        var z = Math.Abs(x) / Math.Sqrt(2);
        var upperTail = 0.5 * Erfc(z);
        return x < 0 ? upperTail : 1 - upperTail;
    }

    /// <summary>erfc(z) for z >= 0.</summary>
    private static double Erfc(double z)
    {
        if (z < 3) return 1 - ErfSeries(z);
        return ErfcContinuedFraction(z);
    }

    /// <summary>
    /// erf(z) = 2/sqrt(pi) exp(-z^2) sum_n 2^n z^(2n+1) / (1*3*...*(2n+1)): every term is positive, so no
    /// cancellation; below z = 3 it converges in well under 100 terms.
    /// </summary>
    private static double ErfSeries(double z)
    {
        var term = z;
        var sum = z;
        for (var n = 1; n < 200; n++)
        {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum;
    }

    /// <summary>
    /// erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))), evaluated by the
    /// modified Lentz method; for z >= 3 it converges fast and keeps relative accuracy in the far tail.
    /// </summary>
    private static double ErfcContinuedFraction(double z)
    {
        const double tiny = 1e-300;
        var f = z;
        var c = z;
        var d = 0.0;
        for (var k = 1; k < 500; k++)
        {
            var a = k / 2.0;
            d = z + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = z + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
    }
}
