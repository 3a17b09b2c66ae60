using CsCheck;
using ImbLab.Core;
using ImbLab.Data.Protocols;
using Xunit;

namespace ImbLab.Tests.Data.Protocols;

public sealed class ImbalanceProtocolsTests
{
    // abalone19 as the study uses it: a training part of 26 minority / 3313 majority (class 1 the minority).
    private static readonly int[] Abalone = [3313, 26];

    private static readonly IrProtocol[] IrKinds =
        [ImbalanceProtocols.SubsampleMinority, ImbalanceProtocols.FixedN, ImbalanceProtocols.FixedMinority, ImbalanceProtocols.FixedMajority];

    private static (int Min, int Maj)[] Cells(IReadOnlyList<ImbalanceTarget> targets) =>
        [.. targets.Select(t => (t.MinorityCount, t.MajorityCount))];

    [Theory]
    [InlineData("natural", nameof(NaturalProtocol))]
    [InlineData("subsample-minority", nameof(SubsampleMinorityProtocol))]
    [InlineData("fixed-n", nameof(FixedNProtocol))]
    [InlineData("Fixed-Minority", nameof(FixedMinorityProtocol))]
    [InlineData("fixed-majority", nameof(FixedMajorityProtocol))]
    [InlineData("grid", nameof(GridProtocol))]
    public void Given_a_cli_name_When_parsed_Then_kind_and_name_round_trip(string text, string kindName)
    {
        var kind = ImbalanceProtocols.Parse(text);
        Assert.Equal(kindName, kind.GetType().Name);
        Assert.Equal(text.ToLowerInvariant(), kind.Name);
    }

    [Fact]
    public void Given_an_unknown_protocol_When_parsed_Then_usage_error_lists_accepted_names()
    {
        var ex = Assert.Throws<UsageException>(() => ImbalanceProtocols.Parse("undersample"));
        Assert.Equal("protocols: 'undersample' is not a protocol; accepted: natural, subsample-minority, fixed-n, fixed-minority, fixed-majority, grid", ex.Message);
    }

    [Fact]
    public void Given_abalone19_counts_When_fixed_n_over_IR_1_to_127_Then_infeasible_because_IR_1_and_IR_127_share_no_N()
    {
        // IR 1:   n_min = round(N/2) <= 26 needs N <= 52 (N = 53 rounds 26.5 up to 27).
        // IR 127: n_min = round(N/128) >= 1 needs N >= 64; n_maj = N - n_min <= 3313 holds up to N = 3339.
        var ex = Assert.Throws<InfeasibleException>(() =>
            ImbalanceProtocols.FixedN.Plan(Abalone, [1, 10, 50, 100, 127]));
        Assert.Contains("26 minority / 3313 majority (natural IR 127.423)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IR 1: N 2..52", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IR 127: N 64..3339", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_abalone19_counts_When_fixed_n_over_IR_1_to_100_Then_N_is_52()
    {
        // N = 52 is IR 1's cap; IR 10: round(52/11 = 4.73) = 5; IR 50: round(1.02) = 1; IR 100: round(0.515) = 1.
        var plan = ImbalanceProtocols.FixedN.Plan(Abalone, [1, 10, 50, 100]);
        Assert.Equal([(26, 26), (5, 47), (1, 51), (1, 51)], Cells(plan));
        Assert.Equal(["ir=1", "ir=10", "ir=50", "ir=100"], plan.Select(t => t.Level));
        Assert.Equal(51, plan[3].RealisedIr); // IR 100 cannot be realised at N = 52: the rounding is visible, not hidden
    }

    [Fact]
    public void Given_abalone19_counts_When_fixed_n_over_IR_10_to_127_Then_N_is_291()
    {
        // IR 10 caps N: round(N/11) <= 26 needs N/11 < 26.5, N <= 291 (n_maj 265). IR 127 needs N >= 64.
        var plan = ImbalanceProtocols.FixedN.Plan(Abalone, [10, 50, 100, 127]);
        Assert.Equal([(26, 265), (6, 285), (3, 288), (2, 289)], Cells(plan));
    }

    [Fact]
    public void Given_abalone19_counts_When_other_protocols_Then_counts_match_hand_derivation()
    {
        // subsample-minority: n_min = round(3313 / IR); IR 127 -> 26.09 -> 26 (reachable), IR 200 -> 16.6 -> 17.
        Assert.Equal([(26, 3313), (17, 3313)], Cells(ImbalanceProtocols.SubsampleMinority.Plan(Abalone, [127, 200])));
        // fixed-minority: n_min = 26 works up to IR 127 since round(127 * 26) = 3302 <= 3313.
        Assert.Equal([(26, 26), (26, 260), (26, 1300), (26, 2600), (26, 3302)],
            Cells(ImbalanceProtocols.FixedMinority.Plan(Abalone, [1, 10, 50, 100, 127])));
        // fixed-majority: IR 10 caps n_maj at 264 (round(264/10) = 26, round(265/10) = 27).
        Assert.Equal([(26, 264), (5, 264), (3, 264), (2, 264)],
            Cells(ImbalanceProtocols.FixedMajority.Plan(Abalone, [10, 50, 100, 127])));
        // natural: the counts as they are, IRs ignored.
        var natural = Assert.Single(ImbalanceProtocols.Natural.Plan(Abalone, new ImbalanceLevels([5], [])));
        Assert.Equal(new ImbalanceTarget("natural", null, 26, 3313), natural);
    }

    [Fact]
    public void Given_an_IR_below_the_natural_one_When_subsample_minority_Then_infeasible_with_the_feasible_range()
    {
        var ex = Assert.Throws<InfeasibleException>(() => ImbalanceProtocols.SubsampleMinority.Plan(Abalone, [5, 10, 127]));
        Assert.Equal(
            "subsample-minority cannot reach IR 5, 10 on a training part with 26 minority / 3313 majority (natural IR 127.423); " +
            "feasible: 125.019 < IR <= 6626", ex.Message);
    }

    [Fact]
    public void Given_fixed_majority_over_IR_1_and_127_When_planned_Then_infeasible_with_per_IR_ranges()
    {
        var ex = Assert.Throws<InfeasibleException>(() => ImbalanceProtocols.FixedMajority.Plan(Abalone, [1, 127]));
        Assert.Contains("IR 1: n_maj 1..26", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IR 127: n_maj 64..3313", ex.Message, StringComparison.Ordinal);
        var tooHigh = Assert.Throws<InfeasibleException>(() => ImbalanceProtocols.FixedMinority.Plan([10, 5], [20]));
        Assert.Contains("IR 20: none", tooHigh.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_grid_cells_When_planned_Then_each_cell_is_a_target_and_oversized_cells_are_infeasible()
    {
        var plan = ImbalanceProtocols.Grid.Plan(Abalone, [(10, 100), (26, 3000)]);
        Assert.Equal(["min=10,maj=100", "min=26,maj=3000"], plan.Select(t => t.Level));
        Assert.Equal([(10, 100), (26, 3000)], Cells(plan));
        var ex = Assert.Throws<InfeasibleException>(() => ImbalanceProtocols.Grid.Plan(Abalone, [(10, 100), (30, 100), (5, 4000)]));
        Assert.Equal(
            "grid cells min=30,maj=100; min=5,maj=4000 exceed a training part with 26 minority / 3313 majority (natural IR 127.423); " +
            "feasible cells: min 1..26, maj 1..3313", ex.Message);
        Assert.Throws<UsageException>(() => ImbalanceProtocols.Grid.Plan(Abalone, []));
        Assert.Throws<UsageException>(() => ImbalanceProtocols.Grid.Plan(Abalone, [(0, 10)]));
        Assert.Throws<UsageException>(() => ImbalanceProtocols.FixedN.Plan(Abalone, new ImbalanceLevels([2], [(1, 10)])));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Given_an_IR_that_is_not_a_ratio_When_planned_Then_usage_error(double ir)
    {
        foreach (var kind in IrKinds)
        {
            var ex = Assert.Throws<UsageException>(() => kind.Plan(Abalone, [10, ir]));
            Assert.Contains("is not a ratio >= 1", ex.Message, StringComparison.Ordinal);
        }
        Assert.Contains("listed twice", Assert.Throws<UsageException>(() => ImbalanceProtocols.FixedN.Plan(Abalone, [2, 2])).Message, StringComparison.Ordinal);
        Assert.Throws<UsageException>(() => ImbalanceProtocols.FixedN.Plan(Abalone, []));
    }

    [Fact]
    public void Given_three_classes_When_planned_Then_natural_works_and_binary_protocols_say_two_classes_are_needed()
    {
        int[] counts = [40, 7, 100];
        Assert.Equal(new ImbalanceTarget("natural", null, 7, 100), Assert.Single(NaturalProtocol.Plan(counts)));
        foreach (var kind in IrKinds)
        {
            var ex = Assert.Throws<InfeasibleException>(() => kind.Plan(counts, [2]));
            Assert.Contains("needs exactly 2 classes; the training part has 3 (40 / 7 / 100)", ex.Message, StringComparison.Ordinal);
        }
        int[] labels = [0, 1, 2, 0, 1, 2, 2];
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], TargetSampler.Sample(new ImbalanceTarget("natural", null, 2, 3), [6, 5, 4, 3, 2, 1, 0], labels, 3));
    }

    /// <summary>Every protocol, random counts and IRs: a plan that exists is realised exactly; one that does not says what is feasible.</summary>
    [Fact]
    public void Given_random_counts_and_IRs_When_planned_and_applied_Then_realised_counts_equal_the_plan()
    {
        var feasible = 0;
        var cases = Gen.Select(Gen.Int[1, 40], Gen.Int[0, 300], Gen.Double[1, 30].Array[1, 4], Gen.ULong);
        cases.Sample((aMin, extra, irList, seed) =>
        {
            var aMaj = aMin + extra;
            var irs = irList.Distinct().ToArray();
            var minorityClass = (int)(seed % 2);
            var trainCounts = minorityClass == 1 ? new[] { aMaj, aMin } : [aMin, aMaj];
            if (aMin == aMaj) minorityClass = 1; // ties: the higher index takes the minority role (Core's Minority())
            var (labels, trainRows, testRows) = Layout(trainCounts, seed);
            var testBefore = testRows.ToArray();

            foreach (var kind in ImbalanceProtocols.All)
            {
                IReadOnlyList<ImbalanceTarget> plan;
                try
                {
                    // Distinct: aMin = aMaj = 1 would give the cell (1, 1) twice, a usage error.
                    plan = kind == ImbalanceProtocols.Grid
                        ? kind.Plan(trainCounts, new ImbalanceLevels([], [.. new[] { (Math.Max(1, aMin / 2), aMaj), (aMin, Math.Max(1, aMaj / 3)) }.Distinct()]))
                        : kind.Plan(trainCounts, new ImbalanceLevels(irs, []));
                }
                catch (InfeasibleException ex)
                {
                    Assert.Contains("feasible", ex.Message, StringComparison.Ordinal);
                    continue;
                }
                feasible++;
                CheckPlanShape(kind, plan, aMin, aMaj, irs);
                foreach (var target in plan)
                {
                    var kept = kind.Apply(target, trainRows, labels, seed);
                    Assert.Equal(kept.Order(), kept);
                    Assert.Equal(kept.Length, kept.Distinct().Count());
                    Assert.Subset(trainRows.ToHashSet(), kept.ToHashSet());
                    Assert.Equal(target.MinorityCount, kept.Count(r => labels[r] == minorityClass));
                    Assert.Equal(target.MajorityCount, kept.Count(r => labels[r] != minorityClass));
                    Assert.Equal(kept, kind.Apply(target, trainRows, labels, seed));
                }
            }
            Assert.Equal(testBefore, testRows);
        }, iter: 300);
        Assert.True(feasible > 300, $"only {feasible} feasible plans: the property barely ran");
    }

    private static void CheckPlanShape(IImbalanceProtocol kind, IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs)
    {
        foreach (var t in plan)
        {
            Assert.InRange(t.MinorityCount, 1, aMin);
            Assert.InRange(t.MajorityCount, 1, aMaj);
        }
        switch (kind)
        {
            case NaturalProtocol:
                Assert.Equal((aMin, aMaj), Assert.Single(Cells(plan)));
                break;
            case SubsampleMinorityProtocol:
                Assert.All(plan, t => Assert.Equal(aMaj, t.MajorityCount));
                break;
            case FixedNProtocol:
                Assert.Single(plan.Select(t => t.MinorityCount + t.MajorityCount).Distinct());
                Assert.Equal(BruteForceMaxN(aMin, aMaj, irs), plan[0].MinorityCount + plan[0].MajorityCount);
                break;
            case FixedMinorityProtocol:
                Assert.Single(plan.Select(t => t.MinorityCount).Distinct());
                break;
            case FixedMajorityProtocol:
                Assert.Single(plan.Select(t => t.MajorityCount).Distinct());
                break;
        }
        if (kind != ImbalanceProtocols.Natural && kind != ImbalanceProtocols.Grid)
            Assert.Equal(irs.Select(ir => (double?)ir), plan.Select(t => t.RequestedIr));
    }

    /// <summary>The definition, by enumeration over every (N, IR): no search order, no shortcut.</summary>
    private static int? BruteForceMaxN(int aMin, int aMaj, double[] irs)
    {
        var feasible = Enumerable.Range(1, aMin + aMaj).Where(n => irs.All(ir =>
        {
            var nMin = (int)Math.Round(n / (1 + ir), MidpointRounding.AwayFromZero);
            var nMaj = n - nMin;
            return nMin >= 1 && nMaj >= 1 && nMin <= aMin && nMaj <= aMaj;
        })).ToList();
        return feasible.Count == 0 ? null : feasible.Max();
    }

    [Fact]
    public void Given_small_counts_When_fixed_n_is_planned_Then_N_is_the_brute_force_maximum_or_none_exists()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[0, 40], Gen.Double[1, 25].Array[1, 5]).Sample((aMin, extra, irList) =>
        {
            var aMaj = aMin + extra;
            var irs = irList.Distinct().ToArray();
            var expected = BruteForceMaxN(aMin, aMaj, irs);
            if (expected is null)
            {
                var ex = Assert.Throws<InfeasibleException>(() => ImbalanceProtocols.FixedN.Plan([aMaj, aMin], irs));
                Assert.Contains("feasible N per IR", ex.Message, StringComparison.Ordinal);
            }
            else
            {
                var plan = ImbalanceProtocols.FixedN.Plan([aMaj, aMin], irs);
                Assert.All(plan, t => Assert.Equal(expected, t.MinorityCount + t.MajorityCount));
            }
        }, iter: 1000);
    }

    [Fact]
    public void Given_the_same_seed_When_applying_smaller_targets_Then_their_rows_are_nested_in_larger_ones()
    {
        var (labels, trainRows, _) = Layout([200, 30], 5);
        var plan = ImbalanceProtocols.SubsampleMinority.Plan([200, 30], [7, 10, 20, 50]);
        var kept = plan.Select(t => TargetSampler.Sample(t, trainRows, labels, 11)).ToArray();
        for (var i = 1; i < kept.Length; i++) Assert.Subset(kept[i - 1].ToHashSet(), kept[i].ToHashSet());
        Assert.NotEqual(kept[1], TargetSampler.Sample(plan[1], trainRows, labels, 12));
    }

    [Fact]
    public void Given_a_target_larger_than_the_training_part_When_applied_Then_infeasible()
    {
        var (labels, trainRows, _) = Layout([20, 4], 1);
        var ex = Assert.Throws<InfeasibleException>(() => TargetSampler.Sample(new ImbalanceTarget("ir=1", 1, 5, 5), trainRows, labels, 1));
        Assert.Contains("the training part has 4 / 20", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Labels for the training part (the given counts) plus a test part of 10 rows per class, shuffled together.</summary>
    internal static (int[] Labels, int[] TrainRows, int[] TestRows) Layout(int[] trainCounts, ulong seed)
    {
        var labels = trainCounts.SelectMany((n, c) => Enumerable.Repeat(c, n + 10)).ToArray();
        new Rng(seed).Shuffle(labels.AsSpan());
        var train = new List<int>();
        var test = new List<int>();
        var testTaken = new int[trainCounts.Length];
        for (var r = 0; r < labels.Length; r++)
        {
            if (testTaken[labels[r]] < 10) { test.Add(r); testTaken[labels[r]]++; }
            else train.Add(r);
        }
        var trainRows = train.ToArray();
        new Rng(seed ^ 1).Shuffle(trainRows.AsSpan()); // Apply must not depend on the order it is given
        return (labels, trainRows, [.. test]);
    }
}
