using CsCheck;
using ImbLab.Core;
using ImbLab.Data.Protocols;
using Xunit;

namespace ImbLab.Tests.Data.Protocols;

/// <summary>
/// What every imbalance protocol promises: a registered name; targets within the training part's counts, one
/// distinct level each; applied rows that are a sorted, deterministic subset of the training rows with exactly the
/// planned counts and blind to the test part. Binary protocols also nest each class's rows across levels for one
/// seed, and refuse what the data cannot give with an <see cref="InfeasibleException"/> saying what is feasible.
/// </summary>
public abstract class ImbalanceProtocolContract
{
    // abalone19 as the study uses it: a training part of 26 minority / 3313 majority (class 1 the minority).
    private protected static readonly int[] Abalone = [3313, 26];

    private protected abstract IImbalanceProtocol Protocol { get; }

    protected abstract string Name { get; }

    /// <summary>The levels the property asks for on aMin minority / aMaj majority rows, in the field the protocol reads.</summary>
    private protected abstract ImbalanceLevels Levels(int aMin, int aMaj, double[] irs);

    /// <summary>The protocol's own promise about a feasible plan's counts (what it holds fixed, what it derives).</summary>
    private protected abstract void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs);

    private protected static (int Min, int Maj)[] Cells(IReadOnlyList<ImbalanceTarget> targets) =>
        [.. targets.Select(t => (t.MinorityCount, t.MajorityCount))];

    [Fact]
    public void GivenItsName_WhenParsed_ThenTheRegistryReturnsThisProtocol()
    {
        Assert.Equal(Name, Protocol.Name);
        Assert.Same(Protocol, ImbalanceProtocols.Parse($" {Name.ToUpperInvariant()} "));
        Assert.Single(ImbalanceProtocols.All, p => p.Name == Name);
        Assert.Contains(Name, ImbalanceProtocols.Names);
    }

    [Fact]
    public void GivenRandomCountsAndLevels_WhenPlannedAndApplied_ThenTheRowsRealiseThePlanFromTheTrainingPartOnly()
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
            var (labels, trainRows, testRows) = ImbalanceProtocolsTests.Layout(trainCounts, seed);

            IReadOnlyList<ImbalanceTarget> plan;
            try
            {
                plan = Protocol.Plan(trainCounts, Levels(aMin, aMaj, irs));
            }
            catch (InfeasibleException ex)
            {
                Assert.Contains("feasible", ex.Message, StringComparison.Ordinal);
                return;
            }
            Interlocked.Increment(ref feasible);
            Assert.NotEmpty(plan);
            Assert.Equal(plan.Count, plan.Select(t => t.Level).Distinct().Count());
            foreach (var t in plan)
            {
                Assert.InRange(t.MinorityCount, 1, aMin);
                Assert.InRange(t.MajorityCount, 1, aMaj);
            }
            CheckShape(plan, aMin, aMaj, irs);

            var train = trainRows.ToHashSet();
            var test = testRows.ToHashSet();
            var reordered = Enumerable.Reverse(trainRows).ToArray();
            foreach (var target in plan)
            {
                var kept = Protocol.Apply(target, trainRows, labels, seed);
                Assert.True(kept.Zip(kept.Skip(1)).All(p => p.First < p.Second), "rows are sorted and distinct");
                Assert.Subset(train, kept.ToHashSet());
                Assert.DoesNotContain(kept, test.Contains);
                Assert.Equal(target.MinorityCount, kept.Count(r => labels[r] == minorityClass));
                Assert.Equal(target.MajorityCount, kept.Count(r => labels[r] != minorityClass));
                Assert.Equal(kept, Protocol.Apply(target, trainRows, labels, seed));
                Assert.Equal(kept, Protocol.Apply(target, reordered, labels, seed));
            }
        }, iter: 200);
        Assert.True(feasible >= 40, $"only {feasible} of 200 plans were feasible: the property barely ran");
    }

    [Fact]
    public void GivenTheTestPartRelabelled_WhenApplied_ThenTheTrainingRowsKeptAreTheSame()
    {
        int[] counts = [120, 30];
        var (labels, trainRows, testRows) = ImbalanceProtocolsTests.Layout(counts, 3);
        var relabelled = labels.ToArray();
        var testLabels = testRows.Select(r => labels[r]).Reverse().ToArray();
        for (var i = 0; i < testRows.Length; i++) relabelled[testRows[i]] = testLabels[i];
        Assert.NotEqual(labels, relabelled);

        foreach (var target in Protocol.Plan(counts, Levels(30, 120, [4, 8])))
            Assert.Equal(Protocol.Apply(target, trainRows, labels, 9), Protocol.Apply(target, trainRows, relabelled, 9));
    }
}

/// <summary>Protocols that need exactly two classes, with rows of each, and can be asked for what the data cannot give.</summary>
public abstract class BinaryProtocolContract : ImbalanceProtocolContract
{
    /// <summary>A request on abalone19 the protocol cannot meet, and the exact feasibility statement its error must carry.</summary>
    private protected abstract (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone { get; }

    [Fact]
    public void GivenAnUnreachableRequest_WhenPlanned_ThenInfeasibleNamesWhatIsFeasible()
    {
        var (levels, feasible) = InfeasibleOnAbalone;
        var ex = Assert.Throws<InfeasibleException>(() => Protocol.Plan(Abalone, levels));
        Assert.StartsWith(Name + " ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("26 minority / 3313 majority (natural IR 127.423)", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith(feasible, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GivenThreeClassesOrAnEmptyClass_WhenPlanned_ThenInfeasibleSaysTwoClassesWithRowsAreNeeded()
    {
        var three = Assert.Throws<InfeasibleException>(() => Protocol.Plan([40, 7, 100], Levels(7, 100, [2])));
        Assert.Equal(
            $"protocols: {Name} needs exactly 2 classes; the training part has 3 (40 / 7 / 100); only natural works with another number of classes",
            three.Message);
        var empty = Assert.Throws<InfeasibleException>(() => Protocol.Plan([50, 0], Levels(1, 50, [2])));
        Assert.Equal($"protocols: {Name} needs rows of both classes; the training part has 50 / 0", empty.Message);
    }

    [Fact]
    public void GivenOneSeed_WhenEveryLevelIsApplied_ThenEachClassKeepsASubsetOfItsRowsAtAnyLargerCountOfThatClass()
    {
        int[] counts = [300, 40];
        var (labels, trainRows, _) = ImbalanceProtocolsTests.Layout(counts, 17);
        var plan = Protocol.Plan(counts, Levels(40, 300, [7.5, 10, 20]));
        var kept = plan.Select(t => Protocol.Apply(t, trainRows, labels, 23)).ToArray();
        for (var c = 0; c < 2; c++)
        {
            var rows = kept.Select(k => k.Where(r => labels[r] == c).ToHashSet()).ToArray();
            foreach (var small in rows)
                foreach (var large in rows.Where(l => l.Count >= small.Count))
                    Assert.Subset(large, small);
        }
        // The smallest target leaves rows out, so another seed must choose other rows.
        var smallest = Enumerable.Range(0, plan.Count).MinBy(i => plan[i].MinorityCount + plan[i].MajorityCount);
        Assert.NotEqual(kept[smallest], Protocol.Apply(plan[smallest], trainRows, labels, 24));
    }
}

/// <summary>Protocols planned from IRs: one target per IR in the given order, labelled by it; grid cells are refused.</summary>
public abstract class IrProtocolContract : BinaryProtocolContract
{
    private protected sealed override ImbalanceLevels Levels(int aMin, int aMaj, double[] irs) => new(irs, []);

    [Fact]
    public void GivenIrs_WhenPlanned_ThenEachTargetRecordsItsIrAndLevel()
    {
        var plan = Protocol.Plan(Abalone, new ImbalanceLevels([127, 200], []));
        Assert.Equal([127.0, 200.0], plan.Select(t => t.RequestedIr));
        Assert.Equal(["ir=127", "ir=200"], plan.Select(t => t.Level));
    }

    [Fact]
    public void GivenGridCells_WhenPlanned_ThenTheGridSettingIsRefused()
    {
        var ex = Assert.Throws<UsageException>(() => Protocol.Plan(Abalone, new ImbalanceLevels([2], [(1, 10)])));
        Assert.Equal(Settings.Grid, ex.Setting);
        Assert.Equal($"grid: cells are only used by protocol grid, not by {Name}", ex.Message);
    }

    [Fact]
    public void GivenNoIrOrABadOne_WhenPlanned_ThenTheIrsSettingIsAtFault()
    {
        var none = Assert.Throws<UsageException>(() => Protocol.Plan(Abalone, new ImbalanceLevels([], [])));
        Assert.Equal(Settings.Irs, none.Setting);
        Assert.Equal($"irs: protocol {Name} needs at least one imbalance ratio", none.Message);
        var bad = Assert.Throws<UsageException>(() => Protocol.Plan(Abalone, new ImbalanceLevels([0.5, 3, 3], [])));
        Assert.Equal(Settings.Irs, bad.Setting);
        Assert.Equal(
            $"irs: IR 0.5 is not a ratio >= 1 (IR = majority / minority); IR 3 is listed twice (protocol {Name})", bad.Message);
    }
}

public sealed class NaturalProtocolContractTests : ImbalanceProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.Natural;

    protected override string Name => "natural";

    private protected override ImbalanceLevels Levels(int aMin, int aMaj, double[] irs) => new(irs, []);

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs)
    {
        var target = Assert.Single(plan);
        Assert.Equal(new ImbalanceTarget("natural", null, aMin, aMaj), target);
    }

    [Fact]
    public void GivenAnyNumberOfClassesAndBadIrs_WhenPlanned_ThenTheTrainingPartIsTakenAsItIs()
    {
        var plan = Protocol.Plan([40, 7, 100], new ImbalanceLevels([0.5, 0.5], []));
        Assert.Equal(new ImbalanceTarget("natural", null, 7, 100), Assert.Single(plan));
        int[] labels = [0, 1, 2, 0, 1, 2, 2];
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], Protocol.Apply(new ImbalanceTarget("natural", null, 2, 3), [6, 5, 4, 3, 2, 1, 0], labels, 3));
    }

    [Fact]
    public void GivenGridCells_WhenPlanned_ThenTheGridSettingIsRefused()
    {
        var ex = Assert.Throws<UsageException>(() => Protocol.Plan(Abalone, new ImbalanceLevels([], [(1, 10)])));
        Assert.Equal(Settings.Grid, ex.Setting);
        Assert.Equal("grid: cells are only used by protocol grid, not by natural", ex.Message);
    }
}

public sealed class SubsampleMinorityProtocolContractTests : IrProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.SubsampleMinority;

    protected override string Name => "subsample-minority";

    private protected override (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone =>
        (new ImbalanceLevels([5, 127], []), "feasible: 125.019 < IR <= 6626");

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs)
    {
        Assert.All(plan, t => Assert.Equal(aMaj, t.MajorityCount));
        Assert.Equal(irs.Select(ir => (int)Math.Round(aMaj / ir, MidpointRounding.AwayFromZero)), plan.Select(t => t.MinorityCount));
    }
}

public sealed class FixedNProtocolContractTests : IrProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.FixedN;

    protected override string Name => "fixed-n";

    private protected override (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone =>
        (new ImbalanceLevels([1, 127], []), "feasible N per IR: IR 1: N 2..52, IR 127: N 64..3339");

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs) =>
        Assert.Single(plan.Select(t => t.MinorityCount + t.MajorityCount).Distinct());
}

public sealed class FixedMinorityProtocolContractTests : IrProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.FixedMinority;

    protected override string Name => "fixed-minority";

    // IR 200 caps n_min at 16 (200 * 17 = 3400 > 3313); IR 4000 needs n_maj >= 4000, more than there is.
    private protected override (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone =>
        (new ImbalanceLevels([1, 200, 4000], []), "feasible n_min per IR: IR 1: n_min 1..26, IR 200: n_min 1..16, IR 4000: none");

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs) =>
        Assert.Single(plan.Select(t => t.MinorityCount).Distinct());
}

public sealed class FixedMajorityProtocolContractTests : IrProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.FixedMajority;

    protected override string Name => "fixed-majority";

    private protected override (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone =>
        (new ImbalanceLevels([1, 127], []), "feasible n_maj per IR: IR 1: n_maj 1..26, IR 127: n_maj 64..3313");

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs) =>
        Assert.Single(plan.Select(t => t.MajorityCount).Distinct());
}

public sealed class GridProtocolContractTests : BinaryProtocolContract
{
    private protected override IImbalanceProtocol Protocol => ImbalanceProtocols.Grid;

    protected override string Name => "grid";

    /// <summary>Cells derived from the counts, and IRs the grid must not read: invalid ones.</summary>
    private protected override ImbalanceLevels Levels(int aMin, int aMaj, double[] irs) =>
        new([0.5, 0.5], GridFor(aMin, aMaj));

    /// <summary>Partial counts of both classes, so nesting is tested on rows left out and not only on whole classes.</summary>
    private static (int Minority, int Majority)[] GridFor(int aMin, int aMaj) =>
        [.. new[] { (Math.Max(1, aMin / 4), Math.Max(1, aMaj / 2)), (Math.Max(1, aMin / 2), aMaj), (aMin, Math.Max(1, aMaj / 3)) }.Distinct()];

    private protected override (ImbalanceLevels Levels, string Feasible) InfeasibleOnAbalone =>
        (new ImbalanceLevels([], [(10, 100), (27, 100)]), "feasible cells: min 1..26, maj 1..3313");

    private protected override void CheckShape(IReadOnlyList<ImbalanceTarget> plan, int aMin, int aMaj, double[] irs)
    {
        Assert.Equal(GridFor(aMin, aMaj), Cells(plan));
        Assert.All(plan, t => Assert.Null(t.RequestedIr));
    }

    [Fact]
    public void GivenNoCellOrABadOne_WhenPlanned_ThenTheGridSettingIsAtFault()
    {
        var none = Assert.Throws<UsageException>(() => ImbalanceProtocols.Grid.Plan(Abalone, new ImbalanceLevels([10], [])));
        Assert.Equal(Settings.Grid, none.Setting);
        Assert.Equal("grid: protocol grid needs at least one (minority, majority) cell", none.Message);
        var bad = Assert.Throws<UsageException>(() => ImbalanceProtocols.Grid.Plan(Abalone, [(0, 10), (2, 5), (2, 5)]));
        Assert.Equal(Settings.Grid, bad.Setting);
        Assert.Equal("grid: cell min=0,maj=10 needs at least 1 row of each class; cell min=2,maj=5 is listed twice", bad.Message);
    }
}
