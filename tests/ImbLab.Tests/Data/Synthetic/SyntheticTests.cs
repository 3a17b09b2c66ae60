using ImbLab.Core;
using ImbLab.Data;
using Xunit;

namespace ImbLab.Tests.Protocols;

public sealed class SyntheticTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(-2.0, 0.02275013194817922)]
    [InlineData(-3.0, 0.0013498980316300957)]
    [InlineData(-5.0, 2.866515718791946e-07)]
    [InlineData(1.5, 0.9331927987311419)]
    public void Given_x_When_normal_cdf_Then_matches_python_math_erfc(double x, double expected) =>
        Assert.Equal(expected, Normal.Cdf(x), expected * 1e-12 + 1e-15);

    [Theory]
    [InlineData(4000, 1.0, 2000, 2000)]
    [InlineData(1000, 9.0, 100, 900)]
    [InlineData(4174, 129.44, 32, 4142)]
    public void Given_rows_and_IR_When_generated_Then_class_counts_follow_the_rounding_rule(int rows, double ir, int minority, int majority)
    {
        var data = SyntheticGenerator.Generate(new SyntheticSpec(Rows: rows, Dimensions: 3, ImbalanceRatio: ir));
        Assert.Equal([majority, minority], data.Table.ClassCounts());
        if (minority < majority) Assert.Equal(1, ((IReadOnlyList<int>)data.Table.ClassCounts()).Minority());
    }

    [Fact]
    public void Given_the_default_spec_When_generated_Then_the_table_is_named_and_shaped_as_documented()
    {
        var data = SyntheticGenerator.Generate(new SyntheticSpec());
        var t = data.Table;
        Assert.Equal("synthetic:rows=4000,d=8,ir=1,sep=2,clusters=1,seed=20260101", t.Source);
        Assert.Equal("synthetic", t.Name);
        Assert.Equal(["majority", "minority"], t.ClassNames);
        Assert.Equal(Enumerable.Range(1, 8).Select(j => $"x{j}"), t.Attributes.Select(a => a.Name));
        Assert.All(t.Attributes, a => Assert.Equal(AttributeKind.Numeric, a.Kind));
        Assert.Equal(Enumerable.Range(1, 4000), t.LineNumbers);
        Assert.All(t.Cells, c => Assert.True(double.IsFinite(c)));
        Assert.Equal(SyntheticSpec.Parse(t.Source), data.Spec);
        // Rows are interleaved, not all majority first.
        Assert.Contains(1, t.Labels.Take(50));
    }

    [Fact]
    public void Given_a_seed_When_generated_twice_Then_identical_and_another_seed_differs()
    {
        var spec = new SyntheticSpec(Rows: 500, Dimensions: 4, ImbalanceRatio: 3, ClustersPerClass: 3);
        var a = SyntheticGenerator.Generate(spec);
        var b = SyntheticGenerator.Generate(spec);
        var c = SyntheticGenerator.Generate(spec with { Seed = spec.Seed + 1 });
        Assert.Equal(a.Table.Cells, b.Table.Cells);
        Assert.Equal(a.Table.Labels, b.Table.Labels);
        Assert.Equal(a.BayesError, b.BayesError);
        Assert.NotEqual(a.Table.Cells, c.Table.Cells);
    }

    [Fact]
    public void Given_a_spec_with_several_problems_When_generated_Then_one_usage_error_lists_them_all()
    {
        var spec = new SyntheticSpec(Rows: 1, Dimensions: 0, ImbalanceRatio: 0.5, Separation: -1, ClustersPerClass: 0);
        Assert.Equal(5, spec.Validate().Count);
        var ex = Assert.Throws<UsageException>(() => SyntheticGenerator.Generate(spec));
        foreach (var key in new[] { "rows=1", "d=0", "ir=0.5", "sep=-1", "clusters=0" }) Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains("fewer than the 4 minority clusters",
            Assert.Throws<UsageException>(() => SyntheticGenerator.Generate(new SyntheticSpec(Rows: 30, ImbalanceRatio: 9, ClustersPerClass: 4))).Message,
            StringComparison.Ordinal);
        Assert.Empty(new SyntheticSpec().Validate());
    }

    [Fact]
    public void Given_spec_text_When_parsed_Then_keys_set_fields_and_bad_keys_are_usage_errors()
    {
        Assert.Equal(new SyntheticSpec(), SyntheticSpec.Parse("synthetic"));
        Assert.Equal(new SyntheticSpec(Rows: 2000, ImbalanceRatio: 12.5, ClustersPerClass: 4, Seed: 7),
            SyntheticSpec.Parse("synthetic:rows=2000, ir=12.5,clusters=4,seed=7"));
        var spec = new SyntheticSpec(123, 5, 3.25, 1.5, 2, 99);
        Assert.Equal(spec, SyntheticSpec.Parse(spec.ToString()));
        Assert.Contains("unknown key 'size'", Assert.Throws<UsageException>(() => SyntheticSpec.Parse("synthetic:size=3")).Message, StringComparison.Ordinal);
        Assert.Contains("rows='many'", Assert.Throws<UsageException>(() => SyntheticSpec.Parse("synthetic:rows=many")).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => SyntheticSpec.Parse("gaussian"));
    }

    /// <summary>Bayes error of two unit Gaussians by Simpson's rule over the projection: min(pi_maj phi(t + s/2), pi_min phi(t - s/2)).</summary>
    private static double IntegratedBayesError(double separation, double minorityPrior)
    {
        static double Phi(double t) => Math.Exp(-0.5 * t * t) / Math.Sqrt(2 * Math.PI);
        const int steps = 200_000;
        double lo = -separation / 2 - 12, hi = separation / 2 + 12, h = (hi - lo) / steps, sum = 0;
        for (var i = 0; i <= steps; i++)
        {
            var t = lo + i * h;
            var f = Math.Min((1 - minorityPrior) * Phi(t + separation / 2), minorityPrior * Phi(t - separation / 2));
            sum += f * (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

    [Theory]
    [InlineData(1.0, 2.0)]
    [InlineData(9.0, 2.0)]
    [InlineData(129.44, 3.0)]
    [InlineData(4.0, 0.5)]
    [InlineData(3.0, 0.0)]
    public void Given_one_cluster_per_class_When_generated_Then_bayes_error_is_the_closed_form(double ir, double separation)
    {
        var data = SyntheticGenerator.Generate(new SyntheticSpec(Rows: 4174, Dimensions: 2, ImbalanceRatio: ir, Separation: separation));
        var minorityPrior = data.Table.ClassCounts()[1] / 4174.0;
        Assert.Equal(IntegratedBayesError(separation, minorityPrior), data.BayesError, 1e-9);
        Assert.Equal(IntegratedBayesError(separation, 0.5), data.BayesErrorBalanced, 1e-9);
        Assert.Equal(0, data.BayesErrorStandardError);
    }

    [Fact]
    public void Given_one_cluster_and_equal_priors_When_classified_by_nearest_mean_Then_error_is_the_bayes_error_within_3_SE()
    {
        var data = SyntheticGenerator.Generate(new SyntheticSpec(Rows: 200_000, Dimensions: 4, Seed: 3));
        Assert.Equal(0.15865525393145707, data.BayesError, 1e-12); // Phi(-sep/2) at sep = 2
        var error = PluginLinearError(data.Table, useLogPriorShift: false, out var balanced);
        var se = Math.Sqrt(data.BayesError * (1 - data.BayesError) / data.Table.Rows);
        Assert.InRange(error, data.BayesError - 3 * se, data.BayesError + 3 * se);
        Assert.InRange(balanced, data.BayesErrorBalanced - 3 * se, data.BayesErrorBalanced + 3 * se);
    }

    [Fact]
    public void Given_one_cluster_and_IR_9_When_classified_by_the_prior_shifted_linear_rule_Then_error_is_the_bayes_error_within_3_SE()
    {
        var data = SyntheticGenerator.Generate(new SyntheticSpec(Rows: 200_000, Dimensions: 4, ImbalanceRatio: 9, Seed: 4));
        var error = PluginLinearError(data.Table, useLogPriorShift: true, out _);
        var se = Math.Sqrt(data.BayesError * (1 - data.BayesError) / data.Table.Rows);
        Assert.InRange(error, data.BayesError - 3 * se, data.BayesError + 3 * se);
        Assert.True(data.BayesError < data.BayesErrorBalanced); // priors help the overall error, not the balanced one
    }

    /// <summary>
    /// Class means estimated from the table; nearest mean, or (identity covariance) the same rule with the
    /// threshold shifted by ln(pi_maj / pi_min). Returns the error rate and, via <paramref name="balanced"/>, the balanced error.
    /// </summary>
    private static double PluginLinearError(RawTable t, bool useLogPriorShift, out double balanced)
    {
        var d = t.Attributes.Count;
        var means = new double[2, d];
        var counts = t.ClassCounts();
        for (var r = 0; r < t.Rows; r++)
            for (var j = 0; j < d; j++) means[t.Labels[r], j] += t.Cell(r, j) / counts[t.Labels[r]];
        var shift = useLogPriorShift ? Math.Log((double)counts[0] / counts[1]) : 0;
        var wrong = new int[2];
        for (var r = 0; r < t.Rows; r++)
        {
            var score = 0.0; // log p1(x) - log p0(x) for unit Gaussians at the estimated means
            for (var j = 0; j < d; j++)
            {
                var x = t.Cell(r, j);
                score += 0.5 * ((x - means[0, j]) * (x - means[0, j]) - (x - means[1, j]) * (x - means[1, j]));
            }
            var predicted = score > shift ? 1 : 0;
            if (predicted != t.Labels[r]) wrong[t.Labels[r]]++;
        }
        balanced = 0.5 * ((double)wrong[0] / counts[0] + (double)wrong[1] / counts[1]);
        return (double)(wrong[0] + wrong[1]) / t.Rows;
    }

    [Fact]
    public void Given_several_clusters_When_generated_Then_centres_interleave_at_the_separation()
    {
        var spec = new SyntheticSpec(Dimensions: 6, Separation: 2.5, ClustersPerClass: 5);
        var model = SyntheticModel.Build(spec);
        static double Dist(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            var s = 0.0;
            for (var i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
            return Math.Sqrt(s);
        }
        var opposite = double.MaxValue;
        var same = double.MaxValue;
        for (var i = 0; i < 5; i++)
            for (var j = 0; j < 5; j++)
            {
                opposite = Math.Min(opposite, Dist(model.Centre(0, i), model.Centre(1, j)));
                if (i < j) same = Math.Min(same, Math.Min(Dist(model.Centre(0, i), model.Centre(0, j)), Dist(model.Centre(1, i), model.Centre(1, j))));
            }
        Assert.Equal(2.5, opposite, 1e-9);
        Assert.True(same >= 2.5 * Math.Sqrt(2) - 1e-9, $"same-class centres {same} apart");
    }

    [Theory]
    [InlineData(4.0, 2.5, 3, 3)]
    [InlineData(1.0, 2.0, 2, 5)]
    public void Given_several_clusters_When_generated_Then_monte_carlo_bayes_error_agrees_with_the_empirical_error_of_the_bayes_rule(
        double ir, double separation, int dimensions, int clusters)
    {
        var spec = new SyntheticSpec(Rows: 2000, Dimensions: dimensions, ImbalanceRatio: ir, Separation: separation, ClustersPerClass: clusters, Seed: 77);
        var data = SyntheticGenerator.Generate(spec);
        Assert.InRange(data.BayesErrorStandardError, 1e-6, 2e-3);
        Assert.InRange(data.BayesErrorBalancedStandardError, 1e-6, 2e-3);

        var model = SyntheticModel.Build(spec);
        var minorityPrior = (double)spec.MinorityRows / spec.Rows;
        var (error, errorSe) = EmpiricalBayesRuleError(model, minorityPrior, 400_000, new Rng(12345));
        var (balanced, balancedSe) = EmpiricalBayesRuleError(model, 0.5, 400_000, new Rng(54321));
        Assert.InRange(data.BayesError - error, -3 * Hypot(errorSe, data.BayesErrorStandardError), 3 * Hypot(errorSe, data.BayesErrorStandardError));
        Assert.InRange(data.BayesErrorBalanced - balanced, -3 * Hypot(balancedSe, data.BayesErrorBalancedStandardError), 3 * Hypot(balancedSe, data.BayesErrorBalancedStandardError));
        // The clusters interleave: a single linear cut cannot reach the Bayes error, so the structure is not linear.
        var linear = PluginLinearError(SyntheticGenerator.Generate(spec with { Rows = 100_000 }).Table, true, out _);
        Assert.True(linear > data.BayesError + 0.03, $"linear rule {linear} vs Bayes {data.BayesError}");
    }

    private static double Hypot(double a, double b) => Math.Sqrt(a * a + b * b);

    /// <summary>Fresh draws from the true mixture, each classified by argmax prior x density; 0/1 errors counted.</summary>
    private static (double Error, double StandardError) EmpiricalBayesRuleError(SyntheticModel model, double minorityPrior, int n, Rng rng)
    {
        var x = new double[model.Dimensions];
        var wrong = 0;
        for (var i = 0; i < n; i++)
        {
            var cls = rng.NextDouble() < minorityPrior ? 1 : 0;
            model.Sample(rng, cls, rng.NextInt(model.ClustersPerClass), x);
            if (model.BayesClass(x, minorityPrior) != cls) wrong++;
        }
        var p = (double)wrong / n;
        return (p, Math.Sqrt(p * (1 - p) / n));
    }
}
