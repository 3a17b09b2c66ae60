using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>
/// The levels a study asks its protocols for: imbalance ratios (field <c>irs</c>) and explicit
/// (minority, majority) cells (field <c>grid</c>). Each protocol reads the one it plans from.
/// </summary>
public sealed class ImbalanceLevels(IReadOnlyList<double> irs, IReadOnlyList<(int Minority, int Majority)> cells)
{
    public IReadOnlyList<double> Irs { get; } = irs;

    public IReadOnlyList<(int Minority, int Majority)> Cells { get; } = cells;

    /// <summary>
    /// Only grid reads cells. IRs have a default, so protocols that do not read them ignore them; cells never do,
    /// so cells next to another protocol are a mistake in the study, refused rather than silently dropped.
    /// </summary>
    public void RefuseCells(string protocol)
    {
        if (Cells.Count > 0)
            throw new UsageException(Settings.Grid, $"cells are only used by protocol grid, not by {protocol}");
    }
}
