using ImbLab.Core;

namespace ImbLab.Study.Remedies;

/// <summary>
/// The validation split of threshold and early-stop: carved from the run's training part (after its protocol, before
/// encoding, so the encoder is fitted on the rows the model trains on), stratified like the hold-out test split. Class
/// c with n_c rows gives round(n_c * fraction) rows (halves away from zero), clamped to [1, n_c - 1] so that a class
/// with at least 2 rows is in both parts; a class with one row keeps it for training. The rows are drawn from the
/// run's "validation" stream, one sub-stream per class, so the split does not depend on any other random choice.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>The training rows left to train on, and the validation rows, both sorted ascending.</summary>
    public static (int[] Train, int[] Validation) Carve(int[] trainRows, IReadOnlyList<int> labels, double fraction, ulong runSeed)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must be strictly between 0 and 1");
        var byClass = trainRows.GroupBy(r => labels[r]).OrderBy(g => g.Key).ToList();
        var train = new List<int>(trainRows.Length);
        var validation = new List<int>();
        foreach (var group in byClass)
        {
            var rows = group.Order().ToArray();
            var n = rows.Length;
            var take = n < 2 ? 0 : Math.Clamp((int)Math.Round(n * fraction, MidpointRounding.AwayFromZero), 1, n - 1);
            new Rng(Rng.Derive(runSeed, "validation", group.Key)).Shuffle(rows.AsSpan());
            validation.AddRange(rows.AsSpan(0, take));
            train.AddRange(rows.AsSpan(take));
        }
        train.Sort();
        validation.Sort();
        return ([.. train], [.. validation]);
    }
}
