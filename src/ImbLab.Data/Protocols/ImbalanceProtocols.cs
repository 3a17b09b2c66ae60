using System.Globalization;
using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>
/// One training-set size an imbalance protocol asks for. <see cref="Level"/> is a short stable label for
/// stores and reports (<c>natural</c>, <c>ir=10</c>, <c>min=20,maj=200</c>). The counts are of the minority
/// and majority classes of the training part (roles taken from its counts, never from label names).
/// </summary>
internal sealed record ImbalanceTarget(string Level, double? RequestedIr, int MinorityCount, int MajorityCount)
{
    /// <summary>n_maj / n_min as realised after rounding; it can differ from <see cref="RequestedIr"/> when counts are small.</summary>
    public double RealisedIr => MinorityCount == 0 ? double.PositiveInfinity : (double)MajorityCount / MinorityCount;
}

/// <summary>
/// Plans and applies imbalance protocols on the training part of a split. Counts are derived from a
/// requested IR by rounding halves away from zero. Protocols other than natural are binary: with two
/// classes the minority is Core's <c>Minority()</c> and the majority the other class (so a tie gives
/// class 1 the minority role, class 0 the majority).
/// </summary>
internal static class ImbalanceProtocols
{
    public static IReadOnlyList<ImbalanceTarget> Plan(
        ProtocolKind kind,
        IReadOnlyList<int> trainCounts,
        IReadOnlyList<double> irs,
        IReadOnlyList<(int Minority, int Majority)>? grid = null)
    {
        if (trainCounts.Count == 0) throw new ArgumentException("at least one class count is required", nameof(trainCounts));
        if (grid is { Count: > 0 } && kind != ProtocolKind.Grid)
            throw new UsageException($"{ProtocolKinds.OptionName} {kind.Name()}: grid cells are only used by {ProtocolKinds.OptionName} grid");

        if (kind == ProtocolKind.Natural)
            return [new ImbalanceTarget("natural", null, trainCounts[trainCounts.Minority()], trainCounts[trainCounts.Majority()])];

        if (kind == ProtocolKind.Grid) CheckGridCells(grid);
        else CheckIrs(kind, irs);

        var (aMin, aMaj) = BinaryCounts(kind, trainCounts);
        return kind switch
        {
            ProtocolKind.SubsampleMinority => PlanSubsampleMinority(irs, aMin, aMaj),
            ProtocolKind.FixedN => PlanFixed(kind, irs, aMin, aMaj, aMin + aMaj, "N", FixedNCounts),
            ProtocolKind.FixedMinority => PlanFixed(kind, irs, aMin, aMaj, aMin, "n_min", FixedMinorityCounts),
            ProtocolKind.FixedMajority => PlanFixed(kind, irs, aMin, aMaj, aMaj, "n_maj", FixedMajorityCounts),
            ProtocolKind.Grid => PlanGrid(grid!, aMin, aMaj),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a protocol kind"),
        };
    }

    /// <summary>
    /// The training rows that realise <paramref name="target"/>: a seeded random subset without replacement
    /// per class, sorted ascending. Each class is shuffled once by its own stream and its first n rows kept,
    /// so with the same seed a smaller target's rows are a subset of a larger one's (nested IR levels).
    /// </summary>
    public static int[] Apply(ImbalanceTarget target, IReadOnlyList<int> trainRows, IReadOnlyList<int> labels, ulong seed)
    {
        var classCount = 0;
        foreach (var y in labels) classCount = Math.Max(classCount, y + 1);
        var rowsByClass = new List<int>[classCount];
        for (var c = 0; c < classCount; c++) rowsByClass[c] = [];
        var sortedRows = trainRows.ToArray();
        Array.Sort(sortedRows);
        for (var i = 0; i < sortedRows.Length; i++)
        {
            var row = sortedRows[i];
            if (row < 0 || row >= labels.Count)
                throw new ArgumentOutOfRangeException(nameof(trainRows), row, $"row is outside the {labels.Count} labelled rows");
            if (i > 0 && sortedRows[i - 1] == row) throw new ArgumentException($"training row {row} is listed twice", nameof(trainRows));
            rowsByClass[labels[row]].Add(row);
        }
        var counts = rowsByClass.Select(r => r.Count).ToArray();

        if (counts.Length != 2)
        {
            if (counts.Length > 0 && target.MinorityCount == counts[counts.Minority()] && target.MajorityCount == counts[counts.Majority()])
                return sortedRows;
            throw new InfeasibleException(
                $"imbalance target {target.Level} needs exactly 2 classes; the training part has {counts.Length} ({Join(counts)})");
        }

        var (mi, ma) = BinaryRoles(counts);
        if (target.MinorityCount < 0 || target.MinorityCount > counts[mi] || target.MajorityCount < 0 || target.MajorityCount > counts[ma])
            throw new InfeasibleException(
                $"imbalance target {target.Level} asks for {target.MinorityCount} minority / {target.MajorityCount} majority rows; " +
                $"the training part has {counts[mi]} / {counts[ma]}");

        var kept = new List<int>(target.MinorityCount + target.MajorityCount);
        foreach (var (c, n) in new[] { (mi, target.MinorityCount), (ma, target.MajorityCount) })
        {
            var rows = rowsByClass[c].ToArray();
            new Rng(Rng.Derive(seed, "protocol/subset", c)).Shuffle(rows.AsSpan());
            kept.AddRange(rows.AsSpan(0, n));
        }
        kept.Sort();
        return [.. kept];
    }

    private static List<ImbalanceTarget> PlanSubsampleMinority(IReadOnlyList<double> irs, int aMin, int aMaj)
    {
        var targets = new List<ImbalanceTarget>(irs.Count);
        var unreachable = new List<double>();
        foreach (var ir in irs)
        {
            var nMin = Round(aMaj / ir);
            if (nMin < 1 || nMin > aMin) unreachable.Add(ir);
            else targets.Add(new ImbalanceTarget(IrLevel(ir), ir, (int)nMin, aMaj));
        }
        if (unreachable.Count > 0)
        {
            // round(n_maj / IR) <= n_min  <=>  IR > n_maj / (n_min + 0.5);  round(n_maj / IR) >= 1  <=>  IR <= 2 n_maj.
            var low = aMaj / (aMin + 0.5);
            throw new InfeasibleException(
                $"{ProtocolKind.SubsampleMinority.Name()} cannot reach IR {JoinIrs(unreachable)} on {Describe(aMin, aMaj)}; " +
                $"feasible: {Num(low)} < IR <= {Num(2.0 * aMaj)}");
        }
        return targets;
    }

    /// <summary>(n_min, n_maj) for one IR at one value of the held quantity, as doubles so huge IRs cannot overflow.</summary>
    private delegate (double Min, double Maj) CountsAt(int held, double ir);

    private static (double, double) FixedNCounts(int n, double ir)
    {
        var nMin = Round(n / (1 + ir));
        return (nMin, n - nMin);
    }

    private static (double, double) FixedMinorityCounts(int nMin, double ir) => (nMin, Round(ir * nMin));

    private static (double, double) FixedMajorityCounts(int nMaj, double ir) => (Round(nMaj / ir), nMaj);

    /// <summary>
    /// The largest value of the held quantity (N, n_min or n_maj) that every IR can realise, found by an
    /// exact integer scan downwards from its upper bound, then one target per IR at that value.
    /// </summary>
    private static List<ImbalanceTarget> PlanFixed(
        ProtocolKind kind, IReadOnlyList<double> irs, int aMin, int aMaj, int upper, string held, CountsAt countsAt)
    {
        bool Fits(int v, double ir)
        {
            var (m, M) = countsAt(v, ir);
            return m >= 1 && M >= 1 && m <= aMin && M <= aMaj;
        }

        for (var v = upper; v >= 1; v--)
        {
            var all = true;
            foreach (var ir in irs)
                if (!Fits(v, ir)) { all = false; break; }
            if (!all) continue;
            return [.. irs.Select(ir =>
            {
                var (m, M) = countsAt(v, ir);
                return new ImbalanceTarget(IrLevel(ir), ir, (int)m, (int)M);
            })];
        }

        var perIr = irs.Select(ir =>
        {
            int? lo = null, hi = null;
            for (var v = 1; v <= upper; v++)
            {
                if (!Fits(v, ir)) continue;
                lo ??= v;
                hi = v;
            }
            return lo is null ? $"IR {Num(ir)}: none" : $"IR {Num(ir)}: {held} {lo}..{hi}";
        });
        throw new InfeasibleException(
            $"{kind.Name()} cannot hold {held} fixed over IR {JoinIrs(irs)} on {Describe(aMin, aMaj)}; " +
            $"no {held} suits them all; feasible {held} per IR: {string.Join(", ", perIr)}");
    }

    private static List<ImbalanceTarget> PlanGrid(IReadOnlyList<(int Minority, int Majority)> grid, int aMin, int aMaj)
    {
        var tooBig = grid.Where(c => c.Minority > aMin || c.Majority > aMaj).Select(GridLevel).ToList();
        if (tooBig.Count > 0)
            throw new InfeasibleException(
                $"{ProtocolKind.Grid.Name()} cells {string.Join("; ", tooBig)} exceed {Describe(aMin, aMaj)}; " +
                $"feasible cells: min 1..{aMin}, maj 1..{aMaj}");
        return [.. grid.Select(c => new ImbalanceTarget(GridLevel(c), null, c.Minority, c.Majority))];
    }

    private static void CheckIrs(ProtocolKind kind, IReadOnlyList<double> irs)
    {
        if (irs.Count == 0)
            throw new UsageException($"{ProtocolKinds.OptionName} {kind.Name()} needs at least one imbalance ratio");
        var problems = new List<string>();
        var seen = new HashSet<double>();
        foreach (var ir in irs)
        {
            if (!double.IsFinite(ir) || ir < 1) problems.Add($"IR {Num(ir)} is not a ratio >= 1 (IR = majority / minority)");
            else if (!seen.Add(ir)) problems.Add($"IR {Num(ir)} is listed twice");
        }
        if (problems.Count > 0)
            throw new UsageException($"{ProtocolKinds.OptionName} {kind.Name()}: {string.Join("; ", problems)}");
    }

    private static void CheckGridCells(IReadOnlyList<(int Minority, int Majority)>? grid)
    {
        if (grid is null || grid.Count == 0)
            throw new UsageException($"{ProtocolKinds.OptionName} grid needs at least one (minority, majority) cell");
        var problems = new List<string>();
        var seen = new HashSet<(int, int)>();
        foreach (var cell in grid)
        {
            if (cell.Minority < 1 || cell.Majority < 1) problems.Add($"cell {GridLevel(cell)} needs at least 1 row of each class");
            else if (!seen.Add(cell)) problems.Add($"cell {GridLevel(cell)} is listed twice");
        }
        if (problems.Count > 0)
            throw new UsageException($"{ProtocolKinds.OptionName} grid: {string.Join("; ", problems)}");
    }

    private static (int Minority, int Majority) BinaryCounts(ProtocolKind kind, IReadOnlyList<int> counts)
    {
        if (counts.Count != 2)
            throw new InfeasibleException(
                $"{ProtocolKinds.OptionName} {kind.Name()} needs exactly 2 classes; the training part has {counts.Count} ({Join(counts)}); " +
                "only natural works with another number of classes");
        var (mi, ma) = BinaryRoles(counts);
        if (counts[mi] == 0)
            throw new InfeasibleException(
                $"{ProtocolKinds.OptionName} {kind.Name()} needs rows of both classes; the training part has {Join(counts)}");
        return (counts[mi], counts[ma]);
    }

    private static (int Minority, int Majority) BinaryRoles(IReadOnlyList<int> counts)
    {
        var mi = counts.Minority();
        return (mi, 1 - mi);
    }

    private static double Round(double x) => Math.Round(x, MidpointRounding.AwayFromZero);

    private static string IrLevel(double ir) => "ir=" + ir.ToString("R", CultureInfo.InvariantCulture);

    private static string GridLevel((int Minority, int Majority) cell) =>
        string.Create(CultureInfo.InvariantCulture, $"min={cell.Minority},maj={cell.Majority}");

    private static string Describe(int aMin, int aMaj) =>
        $"a training part with {aMin} minority / {aMaj} majority (natural IR {Num((double)aMaj / aMin)})";

    private static string Num(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string JoinIrs(IEnumerable<double> irs) => string.Join(", ", irs.Select(Num));

    private static string Join(IEnumerable<int> counts) => string.Join(" / ", counts);
}
