namespace ImbLab.Data.Protocols;

/// <summary>
/// One training-set size an imbalance protocol asks for. <see cref="Level"/> is a short stable label for
/// stores and reports (<c>natural</c>, <c>ir=10</c>, <c>min=20,maj=200</c>). The counts are of the minority
/// and majority classes of the training part (roles taken from its counts, never from label names).
/// </summary>
public sealed record ImbalanceTarget(string Level, double? RequestedIr, int MinorityCount, int MajorityCount)
{
    /// <summary>n_maj / n_min as realised after rounding; it can differ from <see cref="RequestedIr"/> when counts are small.</summary>
    public double RealisedIr => MinorityCount == 0 ? double.PositiveInfinity : (double)MajorityCount / MinorityCount;
}
