namespace ImbLab.Engine;

/// <summary>
/// A moment in training at which the model is handed to the observer. Step = updates done so far;
/// Epoch = completed epochs; EpochPosition = Step / stepsPerEpoch; IsEpochEnd when the position is a whole
/// number of epochs, which includes the initial model at step 0 (epoch 0), so per-epoch curves start at 0.
/// </summary>
public readonly record struct Checkpoint(int Step, int Epoch, double EpochPosition, bool IsEpochEnd);

public interface ITrainingObserver
{
    /// <summary>Called on the job's worker thread; the model reflects <paramref name="checkpoint"/> and must not be mutated.</summary>
    void OnCheckpoint(in Checkpoint checkpoint, Mlp model);
}

/// <summary>
/// An observer that may end training early (early stopping): asked after each epoch's end checkpoint; when it says
/// stop, the job ends there with the model as it is (an observer that wants an earlier epoch's weights keeps them itself).
/// </summary>
public interface IStoppingObserver
{
    /// <summary><paramref name="epochsDone"/>: epochs finished so far (1-based count).</summary>
    bool ShouldStop(int epochsDone);
}

/// <summary>
/// Which steps are observed: step 0, every epoch end, and inside the first <c>earlyEpochs</c> epochs the
/// log-spaced steps 1, 2, 4, 8, ... where early dynamics change fastest.
/// </summary>
internal sealed class CheckpointSchedule
{
    private readonly int _earlySteps;

    private CheckpointSchedule(int stepsPerEpoch, int earlyEpochs)
    {
        StepsPerEpoch = stepsPerEpoch;
        EarlyEpochs = earlyEpochs;
        _earlySteps = (int)Math.Min(int.MaxValue, (long)stepsPerEpoch * earlyEpochs);
    }

    public int StepsPerEpoch { get; }

    public int EarlyEpochs { get; }

    public static CheckpointSchedule LogSpaced(int stepsPerEpoch, int earlyEpochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(earlyEpochs);
        return new CheckpointSchedule(stepsPerEpoch, earlyEpochs);
    }

    public bool Contains(int step)
    {
        if (step < 0) return false;
        if (step % StepsPerEpoch == 0) return true;
        return step <= _earlySteps && (step & (step - 1)) == 0;
    }

    public Checkpoint At(int step) =>
        new(step, step / StepsPerEpoch, (double)step / StepsPerEpoch, step % StepsPerEpoch == 0);
}
