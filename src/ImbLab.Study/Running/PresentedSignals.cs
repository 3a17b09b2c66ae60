using ImbLab.Core;
using ImbLab.Engine;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Study.Running;

/// <summary>
/// Training-mode per-sample signals, as the forgetting (Toneva et al.) and cartography (Swayamdipta et al.)
/// papers record them: each training sample's prediction when it is presented in its mini-batch, before the
/// update. Stored once per epoch as the split "train_presented", at the epoch's last step. It wraps the run's
/// monitor so that the engine sees a batch observer only when these signals are asked for (they cost a little
/// on every step).
/// </summary>
internal sealed class PresentedSignals : ITrainingObserver, IBatchObserver, IDivergenceObserver, IStoppingObserver
{
    private const string Split = Splits.TrainPresented;

    private readonly RunMonitor _monitor;
    private readonly int[] _labels;
    private readonly int _classes;
    private readonly float[] _pTrue;
    private readonly float[] _margin;
    private readonly bool[] _correct;
    private readonly float[] _probabilities;

    public PresentedSignals(RunMonitor monitor, EncodedSet train)
    {
        _monitor = monitor;
        _labels = train.Labels;
        _classes = train.ClassCount;
        _pTrue = new float[train.Rows];
        _margin = new float[train.Rows];
        _correct = new bool[train.Rows];
        _probabilities = new float[_classes];
        monitor.Records.Samples.Add(new SplitSamples(Split, train.RowIds, train.Labels));
    }

    public RunMonitor Monitor => _monitor;

    public void OnBatch(in BatchView batch)
    {
        for (var i = 0; i < batch.Rows.Length; i++)
        {
            var row = batch.Rows[i];
            var logits = batch.Logits.Slice(i * _classes, _classes);
            Softmax.FromLogits(logits, _classes, default, _probabilities, default);
            (_pTrue[row], _margin[row], _correct[row]) = RunMonitor.SignalOf(logits, _probabilities, _labels[row]);
        }
    }

    public void OnDiverged(int step, int epoch, double loss) => _monitor.OnDiverged(step, epoch, loss);

    public bool ShouldStop(int epochsDone) => _monitor.ShouldStop(epochsDone);

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        // Every training row was presented exactly once during the epoch that ends here.
        if (checkpoint.IsEpochEnd && checkpoint.Step > 0)
            _monitor.Records.Signals.Add(new SampleSignals(checkpoint.Step, checkpoint.EpochPosition, Split, (float[])_pTrue.Clone(), (float[])_margin.Clone(), (bool[])_correct.Clone()));
        _monitor.OnCheckpoint(checkpoint, model);
    }
}
