using ImbLab.Core;

namespace ImbLab.Data.Protocols;

/// <summary>Every imbalance protocol, by the name stores and study files use.</summary>
public static class ImbalanceProtocols
{
    public static readonly NaturalProtocol Natural = new();
    public static readonly SubsampleMinorityProtocol SubsampleMinority = new();
    public static readonly FixedNProtocol FixedN = new();
    public static readonly FixedMinorityProtocol FixedMinority = new();
    public static readonly FixedMajorityProtocol FixedMajority = new();
    public static readonly GridProtocol Grid = new();

    /// <summary>In the order help and error messages list them.</summary>
    public static IReadOnlyList<IImbalanceProtocol> All { get; } = [Natural, SubsampleMinority, FixedN, FixedMinority, FixedMajority, Grid];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>The protocol named <paramref name="name"/>, ignoring case and surrounding blanks.</summary>
    public static IImbalanceProtocol Parse(string name)
    {
        var t = name.Trim();
        foreach (var protocol in All)
            if (string.Equals(protocol.Name, t, StringComparison.OrdinalIgnoreCase)) return protocol;
        throw new UsageException(Settings.Protocols, $"'{name}' is not a protocol; accepted: {string.Join(", ", Names)}");
    }
}
