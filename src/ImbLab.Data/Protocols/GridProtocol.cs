using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>Every (n_min, n_maj) cell given explicitly (field <c>grid</c>); the IRs are not read.</summary>
public sealed class GridProtocol : IImbalanceProtocol
{
    public string Name => "grid";

    public IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, ImbalanceLevels levels) => Plan(trainCounts, levels.Cells);

    public IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, IReadOnlyList<(int Minority, int Majority)> cells)
    {
        BinaryTrainingPart.RequireCounts(trainCounts);
        CheckCells(cells);
        var (aMin, aMaj) = BinaryTrainingPart.Counts(Name, trainCounts);
        var tooBig = cells.Where(c => c.Minority > aMin || c.Majority > aMaj).Select(ProtocolText.GridLevel).ToList();
        if (tooBig.Count > 0)
            throw new InfeasibleException(
                $"{Name} cells {string.Join("; ", tooBig)} exceed {ProtocolText.Describe(aMin, aMaj)}; " +
                $"feasible cells: min 1..{aMin}, maj 1..{aMaj}");
        return [.. cells.Select(c => new ImbalanceTarget(ProtocolText.GridLevel(c), null, c.Minority, c.Majority))];
    }

    private void CheckCells(IReadOnlyList<(int Minority, int Majority)> cells)
    {
        if (cells.Count == 0)
            throw new UsageException(Settings.Grid, $"protocol {Name} needs at least one (minority, majority) cell");
        var problems = new List<string>();
        var seen = new HashSet<(int, int)>();
        foreach (var cell in cells)
        {
            var level = ProtocolText.GridLevel(cell);
            if (cell.Minority < 1 || cell.Majority < 1) problems.Add($"cell {level} needs at least 1 row of each class");
            else if (!seen.Add(cell)) problems.Add($"cell {level} is listed twice");
        }
        if (problems.Count > 0)
            throw new UsageException(Settings.Grid, string.Join("; ", problems));
    }
}
