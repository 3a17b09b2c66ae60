using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>
/// The true generating distribution of a synthetic dataset: per class, an equal-weight mixture of
/// unit-variance spherical Gaussians. Class 0 is the majority, class 1 the minority.
/// </summary>
internal sealed class SyntheticModel
{
    private readonly double[][][] _centres;

    private SyntheticModel(int dimensions, double[][][] centres)
    {
        Dimensions = dimensions;
        _centres = centres;
    }

    public int Dimensions { get; }

    public int ClustersPerClass => _centres[0].Length;

    public ReadOnlySpan<double> Centre(int cls, int cluster) => _centres[cls][cluster];

    /// <summary>The lattice lives in at most this many axes: enough for checkerboard interleaving, cheap to grow.</summary>
    private const int LatticeAxes = 3;

    /// <summary>
    /// Places 2K centres on the integer lattice with a checkerboard class assignment (class = parity of the
    /// coordinate sum), grown as a connected set from the origin by adding random lattice neighbours (Eden
    /// growth, so a compact blob). Opposite classes then sit at least 1 apart and some pair exactly 1 apart,
    /// same-class centres at least sqrt 2 apart: the classes interleave like XOR. The lattice (in min(d, 3)
    /// axes) is centred, mapped into R^d by random orthonormal vectors (so no attribute is special) and scaled
    /// by the separation. With K = 1 this is the pair +-(sep/2) u for a random unit vector u.
    /// </summary>
    public static SyntheticModel Build(SyntheticSpec spec)
    {
        var d = spec.Dimensions;
        var k = spec.ClustersPerClass;
        var axes = Math.Min(d, LatticeAxes);
        var rng = new Rng(Rng.Derive(spec.Seed, "synthetic/centres"));

        var points = new List<(int[] At, int Cls)> { (new int[axes], 0) };
        var taken = new HashSet<string> { Key(new int[axes]) };
        var perClass = new[] { 1, 0 };
        while (perClass[0] < k || perClass[1] < k)
        {
            var need = perClass[1] < perClass[0] || perClass[0] == k ? 1 : 0;
            var candidates = new List<int[]>();
            var candidateKeys = new HashSet<string>();
            foreach (var (at, cls) in points)
            {
                if (cls == need) continue;
                for (var axis = 0; axis < axes; axis++)
                    foreach (var step in (ReadOnlySpan<int>)[-1, 1])
                    {
                        var next = (int[])at.Clone();
                        next[axis] += step;
                        var key = Key(next);
                        if (!taken.Contains(key) && candidateKeys.Add(key)) candidates.Add(next);
                    }
            }
            var chosen = candidates[rng.NextInt(candidates.Count)];
            taken.Add(Key(chosen));
            points.Add((chosen, need));
            perClass[need]++;
        }

        var mean = new double[axes];
        foreach (var (at, _) in points)
            for (var a = 0; a < axes; a++) mean[a] += at[a] / (double)points.Count;
        var basis = RandomOrthonormal(axes, d, rng);

        var centres = new double[2][][];
        for (var c = 0; c < 2; c++) centres[c] = new double[k][];
        var filled = new int[2];
        foreach (var (at, cls) in points)
        {
            var centre = new double[d];
            for (var a = 0; a < axes; a++)
            {
                var w = spec.Separation * (at[a] - mean[a]);
                for (var i = 0; i < d; i++) centre[i] += w * basis[a][i];
            }
            centres[cls][filled[cls]++] = centre;
        }
        return new SyntheticModel(d, centres);
    }

    /// <summary>A draw from cluster <paramref name="cluster"/> of class <paramref name="cls"/>.</summary>
    public void Sample(Rng rng, int cls, int cluster, Span<double> x)
    {
        var centre = _centres[cls][cluster];
        for (var j = 0; j < x.Length; j++) x[j] = centre[j] + rng.NextGaussian();
    }

    /// <summary>log p(x | class) up to a constant shared by both classes.</summary>
    public double LogDensity(int cls, ReadOnlySpan<double> x)
    {
        var clusters = _centres[cls];
        Span<double> logs = stackalloc double[clusters.Length];
        var max = double.NegativeInfinity;
        for (var m = 0; m < clusters.Length; m++)
        {
            var sq = 0.0;
            var centre = clusters[m];
            for (var j = 0; j < x.Length; j++)
            {
                var diff = x[j] - centre[j];
                sq += diff * diff;
            }
            logs[m] = -0.5 * sq;
            max = Math.Max(max, logs[m]);
        }
        var sum = 0.0;
        foreach (var l in logs) sum += Math.Exp(l - max);
        return max + Math.Log(sum) - Math.Log(clusters.Length);
    }

    /// <summary>P(class 1 | x) under the given minority prior.</summary>
    public double MinorityPosterior(ReadOnlySpan<double> x, double minorityPrior)
    {
        var logOdds = Math.Log(minorityPrior) + LogDensity(1, x) - Math.Log(1 - minorityPrior) - LogDensity(0, x);
        return 1 / (1 + Math.Exp(-logOdds));
    }

    /// <summary>The Bayes classifier: argmax prior x density (ties go to the majority).</summary>
    public int BayesClass(ReadOnlySpan<double> x, double minorityPrior) => MinorityPosterior(x, minorityPrior) > 0.5 ? 1 : 0;

    private static string Key(int[] at) => string.Join(',', at);

    /// <summary><paramref name="count"/> random orthonormal vectors in R^d: Gram-Schmidt on Gaussian vectors.</summary>
    private static double[][] RandomOrthonormal(int count, int d, Rng rng)
    {
        var basis = new double[count][];
        for (var v = 0; v < count; v++)
        {
            var q = new double[d];
            while (true)
            {
                for (var i = 0; i < d; i++) q[i] = rng.NextGaussian();
                for (var prev = 0; prev < v; prev++)
                {
                    var dot = 0.0;
                    for (var i = 0; i < d; i++) dot += q[i] * basis[prev][i];
                    for (var i = 0; i < d; i++) q[i] -= dot * basis[prev][i];
                }
                var norm = 0.0;
                for (var i = 0; i < d; i++) norm += q[i] * q[i];
                norm = Math.Sqrt(norm);
                if (norm < 1e-8) continue;
                for (var i = 0; i < d; i++) q[i] /= norm;
                break;
            }
            basis[v] = q;
        }
        return basis;
    }
}
