using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Study.Running;

/// <summary>
/// Gradient competition between classes (Francazi et al. 2023). At its checkpoints it sweeps the whole training
/// part once, forward and backward, split by class, and records for every class c the gradient g_c of its mean
/// loss: its norm for the whole network and per layer, the cosine between every pair of classes, and what the
/// update the optimizer actually took (u = theta_t - theta_(t-1), a mini-batch Adam or SGD step) did for it:
///   update_descent_c = -(n_c/N) &lt;g_c, u&gt;   the first-order decrease of the mean training loss owed to class c;
///   update_share_c   = update_descent_c / sum_k |update_descent_k|   in [-1, 1]: positive when the step lowers the
///                      class's loss, negative when it raises it (the classes compete), the |shares| summing to 1;
///   update_alignment_c = cos(g_c, -u)   how well the step follows the class's own descent direction.
/// A ratio to the signed total would blow up whenever the classes nearly cancel, hence the absolute sum.
/// All are NaN (NULL) before the first update.
/// </summary>
internal sealed class GradientRecorder(RunRecords records, MlpShape shape, IReadOnlySet<int>? steps)
{
    private readonly ClassGradientProbe _probe = new(shape);

    /// <summary>Records at this checkpoint if it is one of the schedule's; returns whether it filled <paramref name="logits"/>.</summary>
    public bool Record(in Checkpoint checkpoint, Mlp model, EncodedSet train, float[] logits)
    {
        // The "log" schedule: the early log-spaced steps (the checkpoints that are not epoch ends) and the log-spaced epochs.
        if (steps is not null && checkpoint.IsEpochEnd && !steps.Contains(checkpoint.Step)) return false;
        var result = _probe.Compute(model, train.Features, train.Labels, train.Rows, logits);
        var step = checkpoint.Step;
        var epoch = checkpoint.EpochPosition;
        var classes = result.Classes;
        var total = (double)result.Counts.Sum();
        var present = Enumerable.Range(0, classes).Where(c => result.Counts[c] > 0).ToArray();
        var parameterCount = result.PerClass[0].Length;

        // The full gradient of the mean training loss, as the classes make it up.
        var full = new double[parameterCount];
        foreach (var c in present)
        {
            var weight = result.Counts[c] / total;
            var g = result.PerClass[c];
            for (var k = 0; k < parameterCount; k++) full[k] += weight * g[k];
        }

        void Add(int? layer, int? cls, int? other, string metric, double value) =>
            records.Gradients.Add(new GradientRecord(step, epoch, layer, cls, other, metric, value));

        for (var layer = -1; layer < result.Layers.Count; layer++)
        {
            var (offset, length) = layer < 0 ? (0, parameterCount) : result.Layers[layer];
            int? layerId = layer < 0 ? null : layer;
            foreach (var c in present)
                Add(layerId, c, null, "grad_norm", Math.Sqrt(Dot(result.PerClass[c].AsSpan(offset, length), result.PerClass[c].AsSpan(offset, length))));
            Add(layerId, null, null, "grad_norm", Math.Sqrt(Dot(full.AsSpan(offset, length), full.AsSpan(offset, length))));
            for (var a = 0; a < present.Length; a++)
            {
                for (var b = a + 1; b < present.Length; b++)
                {
                    var gi = result.PerClass[present[a]].AsSpan(offset, length);
                    var gj = result.PerClass[present[b]].AsSpan(offset, length);
                    Add(layerId, present[a], present[b], "grad_cosine", Cosine(gi, gj));
                }
            }
        }

        var update = model.LastUpdate;
        if (update.Length == parameterCount)
        {
            var descent = new double[classes];
            var absolute = 0.0;
            foreach (var c in present)
            {
                descent[c] = -(result.Counts[c] / total) * Dot(result.PerClass[c], update);
                absolute += Math.Abs(descent[c]);
            }
            var updateNorm = Math.Sqrt(Dot(update, update));
            foreach (var c in present)
            {
                var g = result.PerClass[c];
                var gNorm = Math.Sqrt(Dot(g, g));
                Add(null, c, null, "update_descent", descent[c]);
                Add(null, c, null, "update_share", absolute == 0 ? double.NaN : descent[c] / absolute);
                Add(null, c, null, "update_alignment", gNorm == 0 || updateNorm == 0 ? double.NaN : -Dot(g, update) / (gNorm * updateNorm));
            }
            Add(null, null, null, "update_norm", updateNorm);
        }
        return true;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var ab = Dot(a, b);
        var aa = Dot(a, a);
        var bb = Dot(b, b);
        return aa == 0 || bb == 0 ? double.NaN : ab / Math.Sqrt(aa * bb);
    }
}
