using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>How the training part is cut down to a target imbalance (the test part is never touched).</summary>
internal enum ProtocolKind
{
    /// <summary>The training part as it is.</summary>
    Natural,

    /// <summary>Keep every majority row, drop minority rows until n_maj / n_min = IR; N shrinks as IR grows.</summary>
    SubsampleMinority,

    /// <summary>The same total N at every IR, so size and ratio are not confounded.</summary>
    FixedN,

    /// <summary>The same n_min at every IR; n_maj grows with IR.</summary>
    FixedMinority,

    /// <summary>The same n_maj at every IR; n_min shrinks with IR.</summary>
    FixedMajority,

    /// <summary>Every (n_min, n_maj) cell given explicitly.</summary>
    Grid,
}

internal static class ProtocolKinds
{
    public const string OptionName = "--protocol";

    private static readonly (ProtocolKind Kind, string Name)[] Names =
    [
        (ProtocolKind.Natural, "natural"),
        (ProtocolKind.SubsampleMinority, "subsample-minority"),
        (ProtocolKind.FixedN, "fixed-n"),
        (ProtocolKind.FixedMinority, "fixed-minority"),
        (ProtocolKind.FixedMajority, "fixed-majority"),
        (ProtocolKind.Grid, "grid"),
    ];

    public static IReadOnlyList<string> AcceptedNames { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>The CLI name, e.g. <c>fixed-n</c>.</summary>
    public static string Name(this ProtocolKind kind)
    {
        foreach (var (k, n) in Names)
            if (k == kind) return n;
        throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a protocol kind");
    }

    public static ProtocolKind Parse(string text)
    {
        var t = text.Trim();
        foreach (var (k, n) in Names)
            if (string.Equals(n, t, StringComparison.OrdinalIgnoreCase)) return k;
        throw new UsageException($"{OptionName}: '{text}' is not a protocol; accepted: {string.Join(", ", AcceptedNames)}");
    }
}
