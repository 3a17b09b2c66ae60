using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>Which engine-level diagnostics the `w` benchmark adds (`--probe batch,gradients,hidden`).</summary>
[Flags]
internal enum Probes
{
    None = 0,
    Batch = 1,
    Gradients = 2,
    Hidden = 4,
}

/// <summary>
/// Wraps W's observer with the engine's probes, doing what a monitor would with them at no more cost:
/// batch: p_true and correctness of every presented sample at every step (forgetting, cartography);
/// gradients: per-class gradients over the training set, their per-layer norms, cosine and projection on the last
/// update, at the scheduled epoch ends; hidden: every hidden layer of every train and test row at every epoch end.
/// Without an inner monitor it also does plain W's evaluation itself, taking the logits (and the training rows' hidden
/// layers) from the gradient probe or PredictWithHidden instead of a separate Predict, as a monitor built on the probes
/// would. With an inner monitor (RunMonitor) the probes come on top of its own evaluation: an upper bound, since the
/// monitor's forward passes are then done twice.
/// </summary>
internal sealed class ProbeObserver : ITrainingObserver
{
    private readonly Workload _w;
    private readonly ITrainingObserver? _inner;
    private readonly Probes _probes;
    private readonly Func<int, bool> _gradientEpoch;
    private readonly ClassGradientProbe _probe = new(Workload.Shape);
    private readonly float[] _trainLogits = new float[Workload.TrainRows * 2];
    private readonly float[] _testLogits = new float[Workload.TestRows * 2];
    private readonly float[][] _trainHidden;
    private readonly float[][] _testHidden;
    private readonly float[] _pTrue = new float[Workload.TrainRows];
    private readonly bool[] _correct = new bool[Workload.TrainRows];
    private readonly double[] _layerNorms;

    public ProbeObserver(Workload w, ITrainingObserver? inner, Probes probes, Func<int, bool> gradientEpoch)
    {
        _w = w;
        _inner = inner;
        _probes = probes;
        _gradientEpoch = gradientEpoch;
        _trainHidden = Workload.Shape.Hidden.Select(h => new float[Workload.TrainRows * h]).ToArray();
        _testHidden = Workload.Shape.Hidden.Select(h => new float[Workload.TestRows * h]).ToArray();
        _layerNorms = new double[2 * Workload.Shape.LayerCount];
    }

    public ITrainingObserver? Inner => _inner;

    public double LastMinorityRecall { get; private set; }

    public int GradientComputations { get; private set; }

    /// <summary>Keeps the result so the work cannot be optimised away.</summary>
    public double Checksum { get; private set; }

    /// <summary>The job's observer: this one, seen by the trainer as an <see cref="IBatchObserver"/> only when the batch probe is on
    /// (any IBatchObserver costs the per-step copy of the logits).</summary>
    public ITrainingObserver AsJobObserver() => (_probes & Probes.Batch) != 0 ? new WithBatches(this) : this;

    private void OnBatch(in BatchView batch)
    {
        var rows = batch.Rows;
        var z = batch.Logits;
        var labels = _w.TrainY;
        for (var r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            float z0 = z[2 * r], z1 = z[2 * r + 1];
            var y = labels[row];
            var margin = y == 1 ? z1 - z0 : z0 - z1;
            _pTrue[row] = 1f / (1f + MathF.Exp(-margin));
            _correct[row] = margin > 0;
        }
    }

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        _inner?.OnCheckpoint(checkpoint, model);
        if (!checkpoint.IsEpochEnd) return;
        var gradients = (_probes & Probes.Gradients) != 0 && _gradientEpoch(checkpoint.Epoch);
        var hidden = (_probes & Probes.Hidden) != 0;
        if (gradients)
        {
            // The probe's forward pass gives the training logits (and the hidden layers when asked): no separate Predict on train.
            Summarise(_probe.Compute(model, _w.TrainX, _w.TrainY, Workload.TrainRows, _trainLogits, hidden ? _trainHidden : null), model.LastUpdate);
            GradientComputations++;
        }
        else if (hidden) model.PredictWithHidden(_w.TrainX, Workload.TrainRows, _trainLogits, _trainHidden);
        else if (_inner is null) model.Predict(_w.TrainX, Workload.TrainRows, _trainLogits);
        if (hidden)
        {
            model.PredictWithHidden(_w.TestX, Workload.TestRows, _testLogits, _testHidden);
            Checksum += _trainHidden[^1][5] + _testHidden[0][7];
        }
        else if (_inner is null) model.Predict(_w.TestX, Workload.TestRows, _testLogits);
        int hit = 0, total = 0;
        for (var r = 0; r < Workload.TestRows; r++)
        {
            if (_w.TestY[r] != 1) continue;
            total++;
            if (_testLogits[2 * r + 1] > _testLogits[2 * r]) hit++;
        }
        LastMinorityRecall = total == 0 ? double.NaN : (double)hit / total;
    }

    /// <summary>What a monitor reports from the gradients: per-layer norms per class, cos(g0, g1), each class's projection on the update.</summary>
    private void Summarise(ClassGradients g, ReadOnlySpan<float> update)
    {
        double dot = 0, p0 = 0, p1 = 0;
        var a = g.PerClass[0];
        var b = g.PerClass[1];
        for (var l = 0; l < g.Layers.Count; l++)
        {
            var (offset, length) = g.Layers[l];
            double n0 = 0, n1 = 0;
            for (var i = offset; i < offset + length; i++)
            {
                n0 += a[i] * a[i];
                n1 += b[i] * b[i];
                dot += a[i] * b[i];
            }
            _layerNorms[2 * l] = Math.Sqrt(n0);
            _layerNorms[2 * l + 1] = Math.Sqrt(n1);
        }
        for (var i = 0; i < update.Length; i++)
        {
            p0 += a[i] * update[i];
            p1 += b[i] * update[i];
        }
        Checksum += dot + p0 + p1 + _layerNorms[0];
    }

    private sealed class WithBatches(ProbeObserver probe) : ITrainingObserver, IBatchObserver
    {
        public ProbeObserver Probe => probe;

        public void OnBatch(in BatchView batch) => probe.OnBatch(batch);

        public void OnCheckpoint(in Checkpoint checkpoint, Mlp model) => probe.OnCheckpoint(checkpoint, model);
    }

    /// <summary>The probe behind a job observer made by <see cref="AsJobObserver"/>, or null.</summary>
    public static ProbeObserver? Of(ITrainingObserver observer) => observer switch
    {
        ProbeObserver p => p,
        WithBatches b => b.Probe,
        _ => null,
    };
}
