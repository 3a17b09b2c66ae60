using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Engine;

namespace ImbLab.Study.Remedies;

/// <summary>
/// What a run's remedy makes of its training job: the rows it trains on (the encoded training part, or a re-sampled
/// copy of it), its loss, its batch sampler, and the training-loop remedies. Built from the canonical remedy and the
/// class counts of the run's training part, which every count-based remedy reads (docs/remedies.md). Random choices come
/// from streams of the run seed that no other part of the run uses ("remedy/..."), so the split, subsample, initial
/// weights and batch order stay those of the run's other remedies.
/// </summary>
internal sealed class RemedyTraining
{
    private RemedyTraining(float[] features, int[] labels, ILoss? loss, IBatchSampler? sampler)
    {
        Features = features;
        Labels = labels;
        Loss = loss;
        Sampler = sampler;
    }

    /// <summary>The rows the model trains on (row-major features).</summary>
    public float[] Features { get; }

    public int[] Labels { get; }

    public int Rows => Labels.Length;

    /// <summary>
    /// The training part's rows (indices into it) the job trains on when re-sampling left some out (rus), null when it
    /// trains on every one of them: the monitor follows these rows, each once, and no copy or synthetic row.
    /// </summary>
    public int[]? KeptRows { get; private init; }

    /// <summary>The training part the monitor follows: <paramref name="train"/>, or its <see cref="KeptRows"/>.</summary>
    public EncodedSet Monitored(EncodedSet train)
    {
        if (KeptRows is not { } kept) return train;
        var columns = train.FeatureCount;
        var features = new float[kept.Length * columns];
        for (var i = 0; i < kept.Length; i++) train.Features.AsSpan(kept[i] * columns, columns).CopyTo(features.AsSpan(i * columns, columns));
        return new EncodedSet(features, columns, [.. kept.Select(r => train.Labels[r])], train.ClassCount, [.. kept.Select(r => train.RowIds[r])]);
    }

    /// <summary>The loss, or null for the job's default (softmax cross-entropy).</summary>
    public ILoss? Loss { get; }

    /// <summary>The batch sampler, or null for the job's default (every row once per epoch, reshuffled).</summary>
    public IBatchSampler? Sampler { get; }

    /// <summary>
    /// Schedules switch at epoch floor(at * epochs) (0-based, the first epoch of the second stage), at least 1 and at most
    /// epochs - 1 so that both stages have an epoch (with one epoch in all, the second stage never starts).
    /// </summary>
    public static int SwitchEpoch(double at, int epochs) => epochs < 2 ? epochs : Math.Clamp((int)Math.Floor(at * epochs), 1, epochs - 1);

    /// <summary>Rows an epoch of the job visits (the trainer's steps per epoch follow from it).</summary>
    public int EpochRows(int batchSize, ulong shuffleSeed, int classes)
    {
        if (Sampler is null) return Rows;
        var counts = new int[classes];
        foreach (var y in Labels) counts[y]++;
        return Sampler.EpochRows(new SamplingFrame(Labels, counts, batchSize, shuffleSeed));
    }

    /// <summary>The training pieces of <paramref name="remedy"/> for a run whose encoded training part is <paramref name="train"/>.</summary>
    public static RemedyTraining Build(Remedy remedy, EncodedSet train, ModelSpec model, ulong runSeed)
    {
        ArgumentNullException.ThrowIfNull(remedy);
        foreach (var part in remedy.Parts)
            if (!part.Kind.Available) throw new InvalidOperationException($"remedy {part.Name} is not available in this build");
        _ = model;
        _ = runSeed;
        // Post hoc and validation remedies leave training as it is (RemedyEvaluation); so does none.
        return new RemedyTraining(train.Features, train.Labels, null, null);
    }
}
