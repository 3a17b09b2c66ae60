using System.Globalization;
using ImbLab.Core;

namespace ImbLab.Data;

public enum SplitKind
{
    HoldOut,
    KFold,
    RepeatedKFold,

    /// <summary>The five train/test fold pairs a KEEL "-5-fold" distribution ships; read from files, not drawn.</summary>
    Keel,
}

/// <summary>
/// The value of <c>--split</c>. <see cref="TestFraction"/> is the share of rows in each test part (1/Folds
/// for the fold kinds, 0.2 for KEEL's five folds); <see cref="Folds"/> x <see cref="Repeats"/> is the
/// number of train/test splits (1 x 1 for a hold-out).
/// </summary>
public sealed record SplitSpec(SplitKind Kind, double TestFraction, int Folds, int Repeats)
{
    public const string AcceptedForms =
        "holdout, holdout:F (0 < F < 1), kfold, kfold:K (K >= 2), repeated-kfold:KxR (K >= 2, R >= 1), keel";

    private const double DefaultTestFraction = 0.2;
    private const int DefaultFolds = 5;

    public static SplitSpec Default { get; } = HoldOut(DefaultTestFraction);

    public int SplitCount => Folds * Repeats;

    public static SplitSpec HoldOut(double testFraction) => new(SplitKind.HoldOut, testFraction, 1, 1);

    public static SplitSpec KFold(int folds) => new(SplitKind.KFold, 1.0 / folds, folds, 1);

    public static SplitSpec RepeatedKFold(int folds, int repeats) => new(SplitKind.RepeatedKFold, 1.0 / folds, folds, repeats);

    public static SplitSpec Keel() => new(SplitKind.Keel, 1.0 / DefaultFolds, DefaultFolds, 1);

    public static SplitSpec Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? t : t[..colon];
        var arg = colon < 0 ? null : t[(colon + 1)..];
        switch (head)
        {
            case "holdout" when arg is null:
                return HoldOut(DefaultTestFraction);
            case "holdout":
                if (double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0 && f < 1)
                    return HoldOut(f);
                break;
            case "kfold" when arg is null:
                return KFold(DefaultFolds);
            case "kfold":
                if (TryFolds(arg, out var k)) return KFold(k);
                break;
            case "repeated-kfold" when arg is not null:
                var x = arg.IndexOf('x', StringComparison.Ordinal);
                if (x > 0 && TryFolds(arg[..x], out var rk) && TryCount(arg[(x + 1)..], out var r) && r >= 1)
                    return RepeatedKFold(rk, r);
                break;
            case "keel" when arg is null:
                return Keel();
        }
        throw new UsageException(Settings.Split, $"'{text}' is not a split; accepted: {AcceptedForms}");
    }

    /// <summary>The shortest text <see cref="Parse"/> turns back into this spec.</summary>
    public override string ToString() => Kind switch
    {
        SplitKind.HoldOut when TestFraction == DefaultTestFraction => "holdout",
        SplitKind.HoldOut => "holdout:" + TestFraction.ToString("R", CultureInfo.InvariantCulture),
        SplitKind.KFold when Folds == DefaultFolds => "kfold",
        SplitKind.KFold => "kfold:" + Folds.ToString(CultureInfo.InvariantCulture),
        SplitKind.RepeatedKFold => string.Create(CultureInfo.InvariantCulture, $"repeated-kfold:{Folds}x{Repeats}"),
        SplitKind.Keel => "keel",
        _ => throw new InvalidOperationException($"unknown split kind {Kind}"),
    };

    private static bool TryFolds(string text, out int k) => TryCount(text, out k) && k >= 2;

    private static bool TryCount(string text, out int n) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out n);
}
