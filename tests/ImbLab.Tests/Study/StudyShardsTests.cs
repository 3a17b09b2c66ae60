using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using ImbLab.Tests.Readers;
using Xunit;
using Xunit.Abstractions;

namespace ImbLab.Tests.Study;

/// <summary>The shard partition: disjoint, covering, balanced by estimated cost, and the same in every process.</summary>
public sealed class StudyShardsTests(ITestOutputHelper output)
{
    /// <summary>The 84 KEEL sets at their natural imbalance, 5 seeds (studies/keel-natural.json): 420 runs of very different sizes.</summary>
    private static StudyPlan KeelPlan()
    {
        var keel = ReaderFixtures.KeelCorpus();
        return StudyPlan.Create(new StudySpec
        {
            Data = [keel],
            Protocols = ["natural"],
            Irs = [],
            Seeds = 5,
            Model = new ModelSpec { Epochs = 200 },
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(32)]
    public void Given_a_real_KEEL_plan_When_split_into_N_shards_Then_the_shards_are_disjoint_cover_it_and_keep_plan_order(int n)
    {
        var plan = KeelPlan();
        var shards = Enumerable.Range(1, n).Select(k => StudyShards.Select(plan, new Shard(k, n))).ToList();

        var all = shards.SelectMany(s => s.Runs.Select(r => r.RunId)).ToList();
        Assert.Equal(all.Count, all.Distinct().Count()); // disjoint
        Assert.Equal(plan.Runs.Select(r => r.RunId).Order(), all.Order()); // covering
        var position = plan.Runs.Select((r, i) => (r.RunId, i)).ToDictionary(p => p.RunId, p => p.i);
        foreach (var s in shards)
            Assert.Equal(s.Runs.Select(r => position[r.RunId]).Order(), s.Runs.Select(r => position[r.RunId]));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(32)]
    public void Given_a_real_KEEL_plan_When_split_Then_the_largest_shard_is_within_the_greedy_bound_and_within_5_percent_of_the_mean(int n)
    {
        var plan = KeelPlan();
        StudyShards.Assign(plan.Runs, plan.Spec.Model, n, out var loads);
        var costs = plan.Runs.Select(r => RunCost.Units(r, plan.Spec.Model)).ToList();
        var (mean, largest) = (costs.Sum() / n, costs.Max());
        output.WriteLine($"{plan.Runs.Count} runs, {n} shards: max/mean {loads.Max() / mean:F4}, min/mean {loads.Min() / mean:F4}, largest run/mean {largest / mean:F4}");

        Assert.Equal(costs.Sum(), loads.Sum(), 6);
        // Graham's bound for greedy list scheduling holds for any input: max <= mean + (1 - 1/N) x the largest run.
        Assert.True(loads.Max() <= mean + (1 - 1.0 / n) * largest + 1e-6 * mean);
        // Stated bound on this plan (420 runs, the largest 1.3% of the study): within 5% of the mean, or of the largest run
        // when that alone exceeds a shard's share. Measured: 1.0001 (4 shards), 1.0002 (10), 1.004 (32).
        Assert.True(loads.Max() <= 1.05 * Math.Max(mean, largest), $"max/mean {loads.Max() / mean}");
    }

    [Fact]
    public void Given_the_plan_in_another_order_When_assigned_Then_every_run_gets_the_same_shard()
    {
        var plan = KeelPlan();
        var expected = StudyShards.Assign(plan.Runs, plan.Spec.Model, 7, out _);
        var rng = new Rng(42);
        foreach (var trial in Enumerable.Range(0, 3))
        {
            var shuffled = plan.Runs.ToArray();
            for (var i = shuffled.Length - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            var again = StudyShards.Assign(trial == 2 ? shuffled.Reverse() : shuffled, plan.Spec.Model, 7, out _);
            Assert.Equal(expected.OrderBy(p => p.Key), again.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void Given_more_shards_than_runs_When_split_Then_the_extra_shards_are_empty_and_the_rest_hold_one_run_each()
    {
        var plan = StudyPlan.Create(new StudySpec { Data = ["synthetic:rows=200,d=2"], Irs = [1, 2], Seeds = 1 });
        var sizes = Enumerable.Range(1, 5).Select(k => StudyShards.Select(plan, new Shard(k, 5)).Runs.Count).ToList();
        Assert.Equal(2, sizes.Sum());
        Assert.All(sizes, s => Assert.InRange(s, 0, 1));
    }

    [Theory]
    [InlineData("2/4", 2, 4)]
    [InlineData("1/1", 1, 1)]
    [InlineData(" 4 / 4 ", 4, 4)]
    public void Given_K_of_N_When_parsed_Then_the_shard(string text, int k, int n) => Assert.Equal(new Shard(k, n), Shard.Parse(text));

    [Theory]
    [InlineData("0/4", "shard 0 is not one of 1..4")]
    [InlineData("5/4", "shard 5 is not one of 1..4")]
    [InlineData("a/b", "is not K/N")]
    [InlineData("2", "is not K/N")]
    [InlineData("-1/4", "is not K/N")]
    [InlineData("1/0", "0 shards is out of range")]
    public void Given_a_bad_shard_When_parsed_Then_a_usage_error_naming_the_value_and_what_is_accepted(string text, string problem)
    {
        var e = Assert.Throws<UsageException>(() => Shard.Parse(text));
        Assert.Equal(Settings.Shard, e.Setting);
        Assert.Contains($"'{text}'", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Contains("accepted: K/N", e.Message);
    }

    [Fact]
    public void Given_shard_sets_When_read_and_combined_Then_the_union_of_one_N()
    {
        Assert.Equal(new ShardSet([1, 3], 4), ShardSet.TryParse("3,1/4"));
        Assert.Null(ShardSet.TryParse("5/4"));
        Assert.Null(ShardSet.TryParse("x"));
        Assert.Equal("1,2,3/4", ShardSet.TryParse("1,3/4")!.Union(ShardSet.Of(new Shard(2, 4))).ToString());
    }

    [Fact]
    public void Given_remedies_When_costed_Then_resampling_pcngd_and_crt_change_the_cost_and_plain_runs_keep_theirs()
    {
        var plan = StudyPlan.Create(new StudySpec
        {
            Data = [Path.Combine(ReaderFixtures.KeelCorpus(), "pima", "pima.dat")],
            Protocols = ["natural"],
            Irs = [],
            Seeds = 1,
            Remedies = ["none", "ros", "rus", "smote", "pcngd", "crt:epochs=50", "focal"],
            Model = new ModelSpec { Epochs = 100 },
        });
        var runs = plan.Runs.ToDictionary(r => Remedy.ShortOf(r.Config.Remedy ?? Remedy.NoneName));
        var none = runs["none"];
        // pima's training part: 214 positive (minority), 400 negative; 154 test rows; the default 3 x 64 MLP on 8 inputs.
        Assert.Equal((214, 400, 154), (none.Target.MinorityCount, none.Target.MajorityCount, none.Dataset.Splits[none.SplitIndex].Split.TestRows.Length));
        var parameters = RunCost.Parameters(none.Dataset, plan.Spec.Model);
        double Units(string remedy) => RunCost.Units(runs[remedy], plan.Spec.Model) / parameters;

        // A plain epoch: 3 x 614 stepped + 614 evaluated + 154 test = 2610 rows (the cost before remedies, so plain
        // studies keep their shards). A loss remedy costs the same.
        Assert.Equal(100 * 2610.0, Units("none"));
        Assert.Equal(Units("none"), Units("focal"));
        Assert.Equal(100 * (3 * 800.0 + 614 + 154), Units("ros"));   // over-sampled to 400 + 400
        Assert.Equal(100 * (3 * 800.0 + 614 + 154), Units("smote"));
        Assert.Equal(100 * (3 * 428.0 + 614 + 154), Units("rus"));   // under-sampled to 214 + 214
        Assert.Equal(100 * (3 * 1.2 * 614 + 614 + 154), Units("pcngd"), 6);
        Assert.Equal(100 * 2610.0 + 50 * (614 + 614 + 154), Units("crt:epochs=50"));
    }
}
