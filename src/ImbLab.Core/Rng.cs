using System.Runtime.CompilerServices;

namespace ImbLab.Core;

/// <summary>
/// The project's one random source: xoshiro256** seeded through SplitMix64. Hand-written so that the same
/// seed gives the same numbers on every platform and .NET version (System.Random promises neither).
/// Every random component takes its own stream from <see cref="Derive"/>, never a shared instance.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    public Rng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
    }

    /// <summary>A seed for a named sub-stream of <paramref name="root"/>: stable, and independent across names and indices.</summary>
    public static ulong Derive(ulong root, string purpose, params long[] indices)
    {
        // FNV-1a over the purpose, then SplitMix-mixed with the root and each index.
        var h = 14695981039346656037UL;
        foreach (var ch in purpose)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        var x = root ^ Mix(h);
        foreach (var i in indices) x = Mix(x ^ Mix((ulong)i + 0x9E3779B97F4A7C15UL));
        return Mix(x);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        var range = (ulong)n;
        var m = (UInt128)NextUInt64() * range;
        var low = (ulong)m;
        if (low < range)
        {
            var threshold = (0UL - range) % range;
            while (low < threshold)
            {
                m = (UInt128)NextUInt64() * range;
                low = (ulong)m;
            }
        }
        return (int)(m >> 64);
    }

    /// <summary>Standard normal (Marsaglia's polar method).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * f;
        return u * f;
    }

    /// <summary>Gamma(<paramref name="shape"/>, 1): Marsaglia and Tsang (2000); a shape below 1 through Gamma(shape + 1) U^(1/shape).</summary>
    public double NextGamma(double shape) => Math.Exp(NextLogGamma(shape));

    /// <summary>
    /// Beta(<paramref name="a"/>, <paramref name="b"/>) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). The ratio is taken from the
    /// draws' logarithms: with small shapes (mixup's alpha 0.2) both draws can underflow to 0 in double, their logs cannot.
    /// Compiled optimised at once: mixup draws one per training step, and a short job would otherwise run it in tier-0 code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double NextBeta(double a, double b)
    {
        var logX = NextLogGamma(a);
        var logY = NextLogGamma(b);
        return 1 / (1 + Math.Exp(logY - logX));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double NextLogGamma(double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "a finite shape > 0 is required");
        // 1 - U is in (0, 1]: its log is finite.
        if (shape < 1) return NextLogGamma(shape + 1) + Math.Log(1 - NextDouble()) / shape;
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = NextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1 - NextDouble();
            var x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1 - v + Math.Log(v))) return Math.Log(d * v);
        }
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
