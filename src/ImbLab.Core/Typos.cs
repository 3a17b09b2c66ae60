namespace ImbLab.Core;

/// <summary>"Did you mean": the nearest of the accepted words to a mistyped one, shared by options and remedy names.</summary>
public static class Typos
{
    /// <summary>
    /// The candidate nearest to <paramref name="typed"/> by edit distance (ties: the first in ordinal order), or null when
    /// none is close enough: a third of the word may be wrong; beyond that the nearest word is a guess, not a correction.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Word: c, Distance: Distance(typed, c)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Word, StringComparer.Ordinal).FirstOrDefault();
        return best.Word is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? best.Word : null;
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
