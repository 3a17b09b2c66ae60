using ImbLab.Core;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>
/// Reference workload W (docs/architecture.md): 8 standard-normal features, a 1% minority shifted +0.5 in every
/// feature, 3339 train + 835 test rows, MLP 8-64-64-64-2 relu, batch 32, Adam lr 1e-3, and an observer that
/// predicts every train and test row at each epoch end (the forward pass the per-class monitor needs).
/// </summary>
internal sealed class Workload
{
    public const int TrainRows = 3339;
    public const int TestRows = 835;
    public const int Features = 8;
    public const int BatchSize = 32;
    public static readonly MlpShape Shape = new(Features, [64, 64, 64], 2);

    public Workload(ulong seed = 20240601)
    {
        (TrainX, TrainY) = Make(TrainRows, Rng.Derive(seed, "train"));
        (TestX, TestY) = Make(TestRows, Rng.Derive(seed, "test"));
    }

    public float[] TrainX { get; }
    public int[] TrainY { get; }
    public float[] TestX { get; }
    public int[] TestY { get; }

    public TrainingJob Job(int seed, int epochs) =>
        new(new Mlp(Shape, (ulong)seed), TrainX, TrainY, TrainRows, new OptimizerSettings(LearningRate: 1e-3), epochs, BatchSize,
            (ulong)seed + 1000, 0, new EvaluatingObserver(this));

    private static (float[] X, int[] Y) Make(int rows, ulong seed)
    {
        var rng = new Rng(seed);
        var y = new int[rows];
        var minority = (int)Math.Round(rows * 0.01);
        for (var i = 0; i < minority; i++) y[i] = 1;
        rng.Shuffle(y.AsSpan());
        var x = new float[rows * Features];
        for (var r = 0; r < rows; r++)
            for (var f = 0; f < Features; f++)
                x[r * Features + f] = (float)(rng.NextGaussian() + (y[r] == 1 ? 0.5 : 0.0));
        return (x, y);
    }

    /// <summary>At each epoch end: logits of all train and test rows, reduced to per-class recall like the real monitor.</summary>
    internal sealed class EvaluatingObserver(Workload w) : ITrainingObserver
    {
        private readonly float[] _trainLogits = new float[TrainRows * 2];
        private readonly float[] _testLogits = new float[TestRows * 2];

        public double LastMinorityRecall { get; private set; }

        public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
        {
            if (!checkpoint.IsEpochEnd) return;
            model.Predict(w.TrainX, TrainRows, _trainLogits);
            model.Predict(w.TestX, TestRows, _testLogits);
            int hit = 0, total = 0;
            for (var r = 0; r < TestRows; r++)
            {
                if (w.TestY[r] != 1) continue;
                total++;
                if (_testLogits[2 * r + 1] > _testLogits[2 * r]) hit++;
            }
            LastMinorityRecall = total == 0 ? double.NaN : (double)hit / total;
        }
    }
}
