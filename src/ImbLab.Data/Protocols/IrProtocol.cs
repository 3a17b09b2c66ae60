using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>
/// A binary protocol planned from imbalance ratios (field <c>irs</c>), one target per IR. Counts are derived from
/// a requested IR by rounding halves away from zero.
/// </summary>
public abstract class IrProtocol : IImbalanceProtocol
{
    public abstract string Name { get; }

    public IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, ImbalanceLevels levels)
    {
        BinaryTrainingPart.RequireCounts(trainCounts);
        levels.RefuseCells(Name);
        return Plan(trainCounts, levels.Irs);
    }

    public IReadOnlyList<ImbalanceTarget> Plan(IReadOnlyList<int> trainCounts, IReadOnlyList<double> irs)
    {
        BinaryTrainingPart.RequireCounts(trainCounts);
        CheckIrs(irs);
        var (aMin, aMaj) = BinaryTrainingPart.Counts(Name, trainCounts);
        return PlanBinary(irs, aMin, aMaj);
    }

    /// <summary>The targets for valid, distinct <paramref name="irs"/> on aMin minority / aMaj majority rows (both >= 1).</summary>
    protected abstract IReadOnlyList<ImbalanceTarget> PlanBinary(IReadOnlyList<double> irs, int aMin, int aMaj);

    protected static double Round(double x) => Math.Round(x, MidpointRounding.AwayFromZero);

    private void CheckIrs(IReadOnlyList<double> irs)
    {
        if (irs.Count == 0)
            throw new UsageException(Settings.Irs, $"protocol {Name} needs at least one imbalance ratio");
        var problems = new List<string>();
        var seen = new HashSet<double>();
        foreach (var ir in irs)
        {
            if (!double.IsFinite(ir) || ir < 1) problems.Add($"IR {ProtocolText.Num(ir)} is not a ratio >= 1 (IR = majority / minority)");
            else if (!seen.Add(ir)) problems.Add($"IR {ProtocolText.Num(ir)} is listed twice");
        }
        if (problems.Count > 0)
            throw new UsageException(Settings.Irs, $"{string.Join("; ", problems)} (protocol {Name})");
    }
}
