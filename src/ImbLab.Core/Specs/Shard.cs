using System.Globalization;

namespace ImbLab.Core.Specs;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> of a study (1-based, as Slurm numbers its array tasks). Not part of
/// the study: a shard's runs have the ids they have in the whole study, so shards merge into the one-machine store.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>More shards than this is a typo rather than a cluster (a shard is at least one process).</summary>
    public const int MaxCount = 100_000;

    public const string Accepted = "K/N with whole numbers 1 <= K <= N <= 100000, e.g. 2/4 (K is 1-based, as Slurm's array task ids)";

    /// <summary>Reads "K/N"; a problem is a usage error naming <paramref name="setting"/>, what was found and what is accepted.</summary>
    public static Shard Parse(string text, string setting = Settings.Shard)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw new UsageException(setting, $"'{text}' is not K/N; accepted: {Accepted}");
        if (n < 1 || n > MaxCount) throw new UsageException(setting, $"'{text}': {n} shards is out of range; accepted: {Accepted}");
        if (k < 1 || k > n) throw new UsageException(setting, $"'{text}': shard {k} is not one of 1..{n}; accepted: {Accepted}");
        return new Shard(k, n);
    }

    public override string ToString() => $"{Index.ToString(CultureInfo.InvariantCulture)}/{Count.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Which shards of an N-shard study a store holds: one for a shard store ("2/4"), several for a store merged from shard
/// stores ("1,2,4/4"). Stored in the store's meta table, so status and merge can say which shard a store is.
/// </summary>
public sealed record ShardSet(IReadOnlyList<int> Indices, int Count)
{
    public static ShardSet Of(Shard shard) => new([shard.Index], shard.Count);

    /// <summary>Reads "K1,K2,.../N"; null when the text is not one (a meta row written by something else).</summary>
    public static ShardSet? TryParse(string? text)
    {
        if (text is null) return null;
        var slash = text.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return null;
        var indices = new SortedSet<int>();
        foreach (var part in text[..slash].Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > n) return null;
            indices.Add(k);
        }
        return new ShardSet([.. indices], n);
    }

    /// <summary>The shards of both sets (of the same N).</summary>
    public ShardSet Union(ShardSet other) => Count != other.Count
        ? throw new ArgumentException($"shards of {Count} and of {other.Count} do not combine", nameof(other))
        : new ShardSet([.. Indices.Union(other.Indices).Order()], Count);

    public bool Equals(ShardSet? other) => other is not null && Count == other.Count && Indices.SequenceEqual(other.Indices);

    public override int GetHashCode() => HashCode.Combine(Count, Indices.Count);

    public override string ToString() => $"{string.Join(",", Indices.Select(i => i.ToString(CultureInfo.InvariantCulture)))}/{Count.ToString(CultureInfo.InvariantCulture)}";
}
