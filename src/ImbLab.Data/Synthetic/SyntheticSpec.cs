using System.Globalization;
using ImbLab.Core;

namespace ImbLab.Data;

/// <summary>
/// The built-in synthetic dataset: two classes of Gaussian clusters (identity covariance) whose Bayes error
/// is known. <see cref="Separation"/> is the distance between the nearest centres of opposite classes.
/// Text form (see <see cref="Parse"/>): <c>synthetic:rows=4000,d=8,ir=1,sep=2,clusters=1,seed=20260101</c>,
/// any key may be left out.
/// </summary>
public sealed record SyntheticSpec(
    int Rows = 4000,
    int Dimensions = 8,
    double ImbalanceRatio = 1.0,
    double Separation = 2.0,
    int ClustersPerClass = 1,
    ulong Seed = 20260101)
{
    public const string Prefix = "synthetic";
    public const int MaxDimensions = 10_000;
    public const int MaxClustersPerClass = 64;
    public const string AcceptedKeys = "rows, d, ir, sep, clusters, seed";

    /// <summary>round(Rows / (1 + IR)), halves away from zero.</summary>
    public int MinorityRows => (int)Math.Round(Rows / (1 + ImbalanceRatio), MidpointRounding.AwayFromZero);

    public int MajorityRows => Rows - MinorityRows;

    /// <summary>Every problem with the spec at once; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Rows < 2) problems.Add($"rows={Rows}: need at least 2 rows");
        if (Dimensions is < 1 or > MaxDimensions) problems.Add($"d={Dimensions}: need 1 to {MaxDimensions} dimensions");
        else if (Rows >= 2 && (long)Rows * Dimensions > Array.MaxLength)
            problems.Add($"rows={Rows}, d={Dimensions}: the table would hold more than {Array.MaxLength} cells");
        var irOk = double.IsFinite(ImbalanceRatio) && ImbalanceRatio >= 1;
        if (!irOk) problems.Add($"ir={Num(ImbalanceRatio)}: the imbalance ratio (majority / minority) must be a number >= 1");
        if (!double.IsFinite(Separation) || Separation < 0) problems.Add($"sep={Num(Separation)}: the separation must be a number >= 0");
        if (ClustersPerClass is < 1 or > MaxClustersPerClass)
            problems.Add($"clusters={ClustersPerClass}: need 1 to {MaxClustersPerClass} clusters per class");
        else if (irOk && Rows >= 2 && MinorityRows < ClustersPerClass)
            problems.Add(
                $"rows={Rows}, ir={Num(ImbalanceRatio)}: gives {MinorityRows} minority rows, fewer than the {ClustersPerClass} minority clusters; " +
                $"use more rows or a lower ir");
        return problems;
    }

    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0) throw new UsageException($"{Prefix}:{ToCompactString()}: {string.Join("; ", problems)}");
    }

    public string ToCompactString() => string.Create(
        CultureInfo.InvariantCulture,
        $"rows={Rows},d={Dimensions},ir={Num(ImbalanceRatio)},sep={Num(Separation)},clusters={ClustersPerClass},seed={Seed}");

    public override string ToString() => $"{Prefix}:{ToCompactString()}";

    /// <summary>
    /// Reads <c>synthetic</c> or <c>synthetic:key=value,...</c> (keys: rows, d, ir, sep, clusters, seed), the
    /// defaults filling the keys left out. Does not validate ranges: call <see cref="Validate"/>.
    /// </summary>
    public static SyntheticSpec Parse(string text)
    {
        var t = text.Trim();
        if (string.Equals(t, Prefix, StringComparison.OrdinalIgnoreCase)) return new SyntheticSpec();
        if (!t.StartsWith(Prefix + ":", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"'{text}' is not a synthetic dataset spec; accepted: {Prefix} or {Prefix}:key=value,... with keys {AcceptedKeys}");
        var spec = new SyntheticSpec();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in t[(Prefix.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part.ToLowerInvariant() : part[..eq].Trim().ToLowerInvariant();
            var value = eq < 0 ? "" : part[(eq + 1)..].Trim();
            if (!seen.Add(key)) throw Bad(text, $"key '{key}' is given twice");
            spec = key switch
            {
                "rows" => spec with { Rows = ParseInt(text, key, value) },
                "d" => spec with { Dimensions = ParseInt(text, key, value) },
                "ir" => spec with { ImbalanceRatio = ParseDouble(text, key, value) },
                "sep" => spec with { Separation = ParseDouble(text, key, value) },
                "clusters" => spec with { ClustersPerClass = ParseInt(text, key, value) },
                "seed" => spec with { Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw BadValue(text, key, value, "a whole number >= 0") },
                _ => throw Bad(text, $"unknown key '{key}'; accepted keys: {AcceptedKeys}"),
            };
        }
        return spec;
    }

    private static int ParseInt(string text, string key, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw BadValue(text, key, value, "a whole number");

    private static double ParseDouble(string text, string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : throw BadValue(text, key, value, "a number");

    private static UsageException BadValue(string text, string key, string value, string expected) =>
        Bad(text, $"{key}='{value}' is not {expected}");

    private static UsageException Bad(string text, string problem) => new($"synthetic spec '{text}': {problem}");

    private static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
