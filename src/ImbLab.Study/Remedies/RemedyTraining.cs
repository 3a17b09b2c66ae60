using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Data.Resampling;
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

    /// <summary>mixup or remix of every batch of the run's epochs, or null.</summary>
    public BatchMixing? Mixing { get; private init; }

    /// <summary>PCNGD: each step along the sum of the batch's unit per-class gradients.</summary>
    public bool PerClassNormalised { get; private init; }

    /// <summary>cRT after the run's epochs (output layer re-initialised and re-trained with class-balanced batches), or null.</summary>
    public ClassifierRetraining? ClassifierRetraining { get; private init; }

    /// <summary>Epochs the monitor sees: the run's, and the second stage's.</summary>
    public int TotalEpochs(int epochs) => epochs + (ClassifierRetraining?.Epochs ?? 0);

    /// <summary>The step at which epoch <paramref name="epoch"/> ends (cRT's epochs have their own updates per epoch).</summary>
    public int StepOfEpoch(int epoch, int epochs, int batchSize, ulong shuffleSeed, int classes)
    {
        var perEpoch = (EpochRows(batchSize, shuffleSeed, classes) + batchSize - 1) / batchSize;
        if (ClassifierRetraining is not { } crt || epoch <= epochs) return epoch * perEpoch;
        var counts = new int[classes];
        foreach (var y in Labels) counts[y]++;
        var crtRows = crt.Sampler.EpochRows(new SamplingFrame(Labels, counts, batchSize, shuffleSeed));
        return epochs * perEpoch + (epoch - epochs) * ((crtRows + batchSize - 1) / batchSize);
    }

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
    public static RemedyTraining Build(Remedy remedy, EncodedSet train, int minority, ModelSpec model, ulong runSeed,
        IReadOnlyList<(int Start, int Length)> oneHotGroups)
    {
        ArgumentNullException.ThrowIfNull(remedy);
        foreach (var part in remedy.Parts)
            if (!part.Kind.Available) throw new InvalidOperationException($"remedy {part.Name} is not available in this build");
        var counts = train.ClassCounts();
        var epochs = model.Epochs;

        // Data: re-sampled once, on the encoded training part only, from the run's "resampling/..." streams.
        var features = train.Features;
        var labels = train.Labels;
        int[]? kept = null;
        if (remedy.In(RemedyRole.Data) is { } data)
        {
            var seed = Rng.Derive(runSeed, "remedy/data");
            var set = data.Name switch
            {
                "ros" => Resampling.RandomOver(train.Features, train.FeatureCount, train.Labels, seed),
                "rus" => Resampling.RandomUnder(train.Features, train.FeatureCount, train.Labels, seed),
                "smote" => Resampling.Smote(train.Features, train.FeatureCount, train.Labels, (int)data.Value("k"), oneHotGroups, seed),
                _ => throw new InvalidOperationException($"remedy {data.Name} re-samples nothing"),
            };
            features = set.Features;
            labels = set.Labels;
            // The original rows the job trains on, each once (a ROS copy is its origin again; a SMOTE row has none).
            var origins = set.Origin.Where(o => o != ResampledSet.Synthetic).Distinct().Order().ToArray();
            if (origins.Length != train.Rows) kept = origins;
        }

        var loss = LossOf(remedy.In(RemedyRole.Loss), counts, minority, epochs);
        IBatchSampler? sampler = remedy.In(RemedyRole.Batches) is { } batches
            ? batches.Name switch
            {
                "balanced-batches" or "gdro" => BatchSamplers.ClassBalanced,
                "sqrt-sampling" => BatchSamplers.SquareRoot,
                "drs" => BatchSamplers.Deferred(BatchSamplers.Reshuffled, BatchSamplers.ClassBalanced, SwitchEpoch(batches.Value("at"), epochs)),
                _ => throw new InvalidOperationException($"remedy {batches.Name} orders no batches"),
            }
            : null;
        BatchMixing? mixing = remedy.In(RemedyRole.Mixing) is { } mix
            ? mix.Name == "mixup" ? new BatchMixing(MixingKind.Mixup, mix.Value("alpha")) : new BatchMixing(MixingKind.Remix, Kappa: mix.Value("kappa"), Tau: mix.Value("tau"))
            : null;
        ClassifierRetraining? retraining = remedy.Part("crt") is { } crt
            ? new ClassifierRetraining((int)crt.Value("epochs"), BatchSamplers.ClassBalanced, Rng.Derive(runSeed, "remedy/crt"))
            : null;
        return new RemedyTraining(features, labels, loss, sampler)
        {
            KeptRows = kept,
            Mixing = mixing,
            PerClassNormalised = remedy.Has("pcngd"),
            ClassifierRetraining = retraining,
        };
    }

    /// <summary>The loss of the remedy's loss part (null: plain cross-entropy), from the training part's class counts.</summary>
    private static ILoss? LossOf(RemedyPart? part, int[] counts, int minority, int epochs)
    {
        if (part is null) return null;
        return part.Name switch
        {
            "weights:inv" => Losses.Weighted(ClassWeights.Inverse(counts)),
            "weights:sqrt" => Losses.Weighted(ClassWeights.InverseSqrt(counts)),
            "cb" => Losses.Weighted(ClassWeights.Effective(counts, part.Value("beta"))),
            "focal" => Losses.Focal(part.Value("gamma"),
                part.Get("alpha") is { } alpha ? [.. Enumerable.Range(0, counts.Length).Select(c => c == minority ? alpha : 1 - alpha)] : null),
            "ldam" => Losses.Ldam(counts, part.Value("margin"), part.Value("s")),
            "ldam-drw" => Losses.Deferred(Losses.Ldam(counts, part.Value("margin"), part.Value("s")),
                Losses.Ldam(counts, part.Value("margin"), part.Value("s"), ClassWeights.Effective(counts, part.Value("beta"))), SwitchEpoch(part.Value("at"), epochs)),
            "drw" => Losses.Deferred(Losses.CrossEntropy, Losses.Weighted(ClassWeights.Effective(counts, part.Value("beta"))), SwitchEpoch(part.Value("at"), epochs)),
            "balanced-softmax" => Losses.BalancedSoftmax(counts),
            "la-loss" => Losses.LogitAdjusted(counts, part.Value("tau")),
            "cdt" => Losses.ClassDependentTemperature(counts, part.Value("gamma")),
            "label-smoothing" => Losses.LabelSmoothing(part.Value("eps")),
            // Stateful: one instance per job, made here for this job only.
            "gdro" => Losses.GroupDro(counts.Length, part.Value("eta")),
            _ => throw new InvalidOperationException($"remedy {part.Name} has no loss"),
        };
    }
}
