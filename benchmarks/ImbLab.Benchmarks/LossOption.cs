using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>
/// `w --loss NAME`: W trained with a loss remedy (issue 9's CLI names, at their defaults) made from W's training class
/// counts. A maker, not a loss: group DRO is stateful and every job gets its own.
/// </summary>
internal static class LossOption
{
    public const string Accepted = "none, weights:inv, weights:sqrt, cb, focal, ldam, ldam-drw, drw, balanced-softmax, la-loss, cdt, label-smoothing, gdro";

    /// <summary>The maker for <paramref name="name"/>; the deferred losses switch at epoch floor(0.8 epochs) (0-based, as the study does; the authors switch at 160 of 200).</summary>
    public static Func<ILoss> Maker(string name, IReadOnlyList<int> counts, int epochs)
    {
        var at = (int)Math.Floor(0.8 * epochs);
        return name switch
        {
            "none" => () => Losses.CrossEntropy,
            "weights:inv" => Shared(Losses.Weighted(ClassWeights.Inverse(counts))),
            "weights:sqrt" => Shared(Losses.Weighted(ClassWeights.InverseSqrt(counts))),
            "cb" => Shared(Losses.Weighted(ClassWeights.Effective(counts, 0.999))),
            "focal" => Shared(Losses.Focal(2)),
            "ldam" => Shared(Losses.Ldam(counts)),
            "ldam-drw" => Shared(Losses.LdamDrw(counts, at)),
            "drw" => Shared(Losses.Drw(counts, at)),
            "balanced-softmax" => Shared(Losses.BalancedSoftmax(counts)),
            "la-loss" => Shared(Losses.LogitAdjusted(counts)),
            "cdt" => Shared(Losses.ClassDependentTemperature(counts)),
            "label-smoothing" => Shared(Losses.LabelSmoothing()),
            "gdro" => () => Losses.GroupDro(counts.Count),
            _ => throw new ArgumentException($"--loss is '{name}'; accepted: {Accepted}"),
        };
    }

    private static Func<ILoss> Shared(ILoss loss) => () => loss;
}
