using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>
/// A generated table with its known difficulty. The Bayes errors are for the class proportions of the table
/// (<see cref="BayesError"/>: the lowest error rate any classifier can have on a row drawn like the table's)
/// and for equal priors (<see cref="BayesErrorBalanced"/>: the lowest balanced error rate, 1 - best balanced
/// accuracy). With one cluster per class both are exact (standard errors 0); with more they are Monte Carlo
/// estimates whose standard errors are given.
/// </summary>
internal sealed record SyntheticData(
    RawTable Table,
    SyntheticSpec Spec,
    double BayesError,
    double BayesErrorBalanced,
    double BayesErrorStandardError)
{
    public double BayesErrorBalancedStandardError { get; init; }
}

internal static class SyntheticGenerator
{
    public const string ClassMajority = "majority";
    public const string ClassMinority = "minority";

    /// <summary>Monte Carlo draws per Bayes-error estimate: SE well under 1e-3 for any error rate.</summary>
    public const int MonteCarloSamples = 200_000;

    public static SyntheticData Generate(SyntheticSpec spec)
    {
        spec.ThrowIfInvalid();
        var model = SyntheticModel.Build(spec);
        var table = Sample(spec, model);
        var minorityPrior = (double)spec.MinorityRows / spec.Rows;

        if (spec.ClustersPerClass == 1)
        {
            return new SyntheticData(table, spec, TwoGaussianBayesError(spec.Separation, minorityPrior), TwoGaussianBayesError(spec.Separation, 0.5), 0)
            {
                BayesErrorBalancedStandardError = 0,
            };
        }

        var (error, se) = MonteCarloBayesError(model, minorityPrior, Rng.Derive(spec.Seed, "synthetic/bayes-mc", 0));
        var (balanced, balancedSe) = MonteCarloBayesError(model, 0.5, Rng.Derive(spec.Seed, "synthetic/bayes-mc", 1));
        return new SyntheticData(table, spec, error, balanced, se) { BayesErrorBalancedStandardError = balancedSe };
    }

    /// <summary>
    /// Two unit-variance Gaussians whose means are <paramref name="separation"/> apart, projected on the line
    /// through the means: N(-s/2, 1) for the majority, N(+s/2, 1) for the minority. The Bayes rule picks the
    /// minority when t &gt; tau = ln(pi_maj / pi_min) / s, so the error is
    /// pi_min Phi(tau - s/2) + pi_maj Phi(-tau - s/2); at s = 0 it always picks the larger prior.
    /// </summary>
    public static double TwoGaussianBayesError(double separation, double minorityPrior)
    {
        var majorityPrior = 1 - minorityPrior;
        if (separation == 0) return Math.Min(minorityPrior, majorityPrior);
        var tau = Math.Log(majorityPrior / minorityPrior) / separation;
        return minorityPrior * Normal.Cdf(tau - separation / 2) + majorityPrior * Normal.Cdf(-tau - separation / 2);
    }

    /// <summary>
    /// E[1 - max_c P(c | x)] over x drawn from the prior-weighted mixture: the Bayes error, averaged over the
    /// posterior rather than over 0/1 mistakes, which gives the same mean with a smaller variance.
    /// </summary>
    private static (double Mean, double StandardError) MonteCarloBayesError(SyntheticModel model, double minorityPrior, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new double[model.Dimensions];
        double sum = 0, sumSq = 0;
        for (var i = 0; i < MonteCarloSamples; i++)
        {
            var cls = rng.NextDouble() < minorityPrior ? 1 : 0;
            model.Sample(rng, cls, rng.NextInt(model.ClustersPerClass), x);
            var p = model.MinorityPosterior(x, minorityPrior);
            var e = Math.Min(p, 1 - p);
            sum += e;
            sumSq += e * e;
        }
        var mean = sum / MonteCarloSamples;
        var variance = Math.Max(0, (sumSq - MonteCarloSamples * mean * mean) / (MonteCarloSamples - 1));
        return (mean, Math.Sqrt(variance / MonteCarloSamples));
    }

    /// <summary>
    /// Exactly MinorityRows / MajorityRows rows, each class dealt over its clusters in turn (equal shares,
    /// off by at most one), then put in a random order so the classes interleave as in a real file.
    /// </summary>
    private static RawTable Sample(SyntheticSpec spec, SyntheticModel model)
    {
        var rows = spec.Rows;
        var d = spec.Dimensions;
        var k = spec.ClustersPerClass;
        var assignment = new (int Cls, int Cluster)[rows];
        for (var i = 0; i < spec.MajorityRows; i++) assignment[i] = (0, i % k);
        for (var i = 0; i < spec.MinorityRows; i++) assignment[spec.MajorityRows + i] = (1, i % k);
        new Rng(Rng.Derive(spec.Seed, "synthetic/order")).Shuffle(assignment.AsSpan());

        var rng = new Rng(Rng.Derive(spec.Seed, "synthetic/rows"));
        var cells = new double[rows * d];
        var labels = new int[rows];
        var lines = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            var (cls, cluster) = assignment[r];
            model.Sample(rng, cls, cluster, cells.AsSpan(r * d, d));
            labels[r] = cls;
            lines[r] = r + 1;
        }

        var attributes = Enumerable.Range(1, d).Select(j => new AttributeInfo($"x{j}", AttributeKind.Numeric, [])).ToArray();
        return new RawTable(spec.ToString(), SyntheticSpec.Prefix, attributes, [ClassMajority, ClassMinority], cells, labels, lines);
    }
}
