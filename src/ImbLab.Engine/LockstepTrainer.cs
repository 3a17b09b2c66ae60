using System.Runtime.ExceptionServices;

namespace ImbLab.Engine;

/// <summary>
/// One model's training run: data, optimizer, schedule and the observer that sees its checkpoints. The loss and the
/// batch sampler default to softmax cross-entropy on batches reshuffled every epoch. The remedies that change the training
/// loop (<see cref="Mixing"/>, <see cref="PerClassNormalised"/>, <see cref="ClassifierRetraining"/>) are off by default, and
/// a job without them trains exactly as before they existed.
/// </summary>
public sealed record TrainingJob(
    Mlp Model,
    float[] Features,
    int[] Labels,
    int Rows,
    OptimizerSettings Optimizer,
    int Epochs,
    int BatchSize,
    ulong ShuffleSeed,
    int EarlyEpochs,
    ITrainingObserver Observer)
{
    public ILoss Loss { get; init; } = SoftmaxCrossEntropy.Instance;

    public IBatchSampler Sampler { get; init; } = ReshuffledBatches.Instance;

    /// <summary>Mixup or remix of every batch of the <see cref="Epochs"/> (not of the classifier re-training); null: no mixing.</summary>
    public BatchMixing? Mixing { get; init; }

    /// <summary>
    /// PCNGD (Francazi et al. 2023): each step of the <see cref="Epochs"/> hands the optimizer sum_c g_c / ||g_c|| over the classes
    /// present in the batch instead of the gradient. Not with <see cref="Mixing"/> (a mixed row has no one class).
    /// </summary>
    public bool PerClassNormalised { get; init; }

    /// <summary>cRT (Kang et al. 2020) after the <see cref="Epochs"/>: re-initialise the output layer and train only it; null: none.</summary>
    public ClassifierRetraining? ClassifierRetraining { get; init; }

    /// <summary>Epochs the observer will see at most: <see cref="Epochs"/> plus the classifier re-training's.</summary>
    public int TotalEpochs => Epochs + (ClassifierRetraining?.Epochs ?? 0);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Model is null) problems.Add("Model is null");
        if (Features is null) problems.Add("Features is null");
        if (Labels is null) problems.Add("Labels is null");
        if (Optimizer is null) problems.Add("Optimizer is null");
        else problems.AddRange(Optimizer.Validate());
        if (Loss is null) problems.Add("Loss is null");
        if (Sampler is null) problems.Add("Sampler is null");
        if (Observer is null) problems.Add("Observer is null");
        if (Rows < 1) problems.Add($"Rows is {Rows}; at least 1 is required");
        if (Epochs < 0) problems.Add($"Epochs is {Epochs}; accepted: 0 or more");
        if (BatchSize < 1) problems.Add($"BatchSize is {BatchSize}; at least 1 is required");
        if (EarlyEpochs < 0) problems.Add($"EarlyEpochs is {EarlyEpochs}; accepted: 0 or more");
        if (Mixing is not null) problems.AddRange(Mixing.Validate());
        if (Mixing is not null && PerClassNormalised)
            problems.Add("Mixing and PerClassNormalised cannot be combined: a mixed row belongs to two classes, and PCNGD needs each row's one class");
        if (ClassifierRetraining is not null) problems.AddRange(ClassifierRetraining.Validate());
        if (Model is null || Features is null || Labels is null || Rows < 1) return problems;
        var shape = Model!.Shape;
        if (Features!.Length < (long)Rows * shape.Inputs)
            problems.Add($"Features has {Features.Length} values; {Rows} rows x {shape.Inputs} inputs are needed");
        if (Labels!.Length < Rows) problems.Add($"Labels has {Labels.Length} values; {Rows} are needed");
        else
        {
            for (var i = 0; i < Rows; i++)
            {
                if ((uint)Labels[i] >= (uint)shape.Classes)
                {
                    problems.Add($"Labels[{i}] is {Labels[i]}; accepted: 0..{shape.Classes - 1}");
                    break;
                }
            }
        }
        return problems;
    }
}

/// <summary>
/// Classifier re-training (cRT, Kang et al. 2020), run after a job's own epochs: the output layer is re-initialised as
/// <c>new Mlp(shape, Seed)</c> would have it (Glorot uniform, zero bias), the optimizer (the job's settings) starts afresh, and
/// only the output layer trains, for <paramref name="Epochs"/> epochs of batches from <paramref name="Sampler"/> (class-balanced
/// batches in the paper). The sampler draws from the job's shuffle seed with the epochs numbered on (job.Epochs, job.Epochs + 1,
/// ...); the loss is the job's, told those epoch numbers; no mixing and no per-class normalisation in this phase.
/// </summary>
public sealed record ClassifierRetraining(int Epochs, IBatchSampler Sampler, ulong Seed)
{
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Epochs < 1) problems.Add($"ClassifierRetraining.Epochs is {Epochs}; at least 1 is required");
        if (Sampler is null) problems.Add("ClassifierRetraining.Sampler is null");
        return problems;
    }
}

/// <summary>
/// Told when a job's batch loss stops being a finite number (a learning rate that makes training diverge): the job ends
/// there, since its parameters are no longer numbers; the other jobs of the group go on.
/// </summary>
public interface IDivergenceObserver
{
    /// <summary><paramref name="step"/>: updates done before the batch; <paramref name="epoch"/>: the 1-based epoch it belongs to.</summary>
    void OnDiverged(int step, int epoch, double loss);
}

/// <summary>
/// Trains many models at once on all cores. Each worker thread owns whole jobs and runs each to completion
/// before taking the next (jobs are handed out in order). A model never crosses threads and there are no
/// cross-thread reductions, so results are bit-identical whatever the thread count or scheduling.
/// </summary>
/// <remarks>
/// Why not interleave models step by step within a worker: the engine has no per-operation overhead to
/// amortise across models (unlike a framework's bmm), while one model's working set (parameters, transposed
/// weights, gradient, Adam moments: ~180 KB for 8-64-64-64-2) fits in L2 only when models run one at a time.
/// Interleaving 8 models per core would stream ~1.4 MB per step round and only lose cache locality.
/// </remarks>
public static class LockstepTrainer
{
    public static void Train(IReadOnlyList<TrainingJob> jobs, int threads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        for (var i = 0; i < jobs.Count; i++)
        {
            var problems = jobs[i]?.Validate() ?? ["job is null"];
            if (problems.Count > 0) throw new ArgumentException($"jobs[{i}]: {string.Join("; ", problems)}", nameof(jobs));
        }
        var models = new HashSet<Mlp>(ReferenceEqualityComparer.Instance);
        foreach (var job in jobs)
            if (!models.Add(job.Model)) throw new ArgumentException("two jobs share one Mlp instance; each job needs its own model", nameof(jobs));
        cancellationToken.ThrowIfCancellationRequested();

        var workers = Math.Min(threads, jobs.Count);
        if (workers <= 1)
        {
            foreach (var job in jobs) Run(job, cancellationToken);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var failures = new Exception?[workers];
        var pool = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            var slot = w;
            pool[w] = new Thread(() =>
            {
                try
                {
                    int index;
                    while ((index = Interlocked.Increment(ref next)) < jobs.Count) Run(jobs[index], stop.Token);
                }
                catch (Exception e)
                {
                    failures[slot] = e;
                    stop.Cancel();
                }
            })
            { IsBackground = true, Name = $"ImbLab trainer {w}" };
            pool[w].Start();
        }
        foreach (var t in pool) t.Join();
        cancellationToken.ThrowIfCancellationRequested();
        // A worker's own failure is the cause; the others were only stopped because of it.
        var cause = failures.FirstOrDefault(e => e is not null and not OperationCanceledException) ?? failures.FirstOrDefault(e => e is not null);
        if (cause is not null) ExceptionDispatchInfo.Capture(cause).Throw();
    }

    private static void Run(TrainingJob job, CancellationToken cancellationToken)
    {
        var labels = job.Labels.AsSpan(0, job.Rows);
        var classCounts = new int[job.Model.Shape.Classes];
        foreach (var y in labels) classCounts[y]++;
        var frame = new SamplingFrame(labels, classCounts, job.BatchSize, job.ShuffleSeed);
        var epochRows = job.Sampler.EpochRows(frame);
        if (epochRows < 1) throw new InvalidOperationException($"the sampler visits {epochRows} rows per epoch; at least 1 is required");
        var order = new int[epochRows];
        var trainer = new MlpTrainer(job.Model, job.Optimizer, Math.Min(job.BatchSize, epochRows), job.Loss);
        var schedule = CheckpointSchedule.LogSpaced((epochRows + job.BatchSize - 1) / job.BatchSize, job.EarlyEpochs);
        var batchObserver = job.Observer as IBatchObserver;
        var stopper = job.Observer as IStoppingObserver;
        var mixer = job.Mixing is null ? null : new BatchMixer(job.Mixing, job.ShuffleSeed, classCounts);
        var step = 0;
        trainer.Publish();
        job.Model.ClearLastUpdate();
        job.Observer.OnCheckpoint(schedule.At(0), job.Model);
        for (var epoch = 0; epoch < job.Epochs; epoch++)
        {
            job.Sampler.Fill(frame, epoch, order);
            for (var start = 0; start < epochRows; start += job.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(job.BatchSize, epochRows - start));
                // Only a step that ends on a checkpoint needs the parameters before it, for the model's LastUpdate.
                var observed = schedule.Contains(step + 1);
                if (observed) trainer.RememberParameters();
                double loss;
                if (mixer is not null)
                {
                    mixer.Draw(step, batch, job.Labels);
                    loss = trainer.StepOnMixedRows(job.Features, job.Labels, batch, mixer.Partners, mixer.Lambda, mixer.Shares, epoch);
                }
                else if (job.PerClassNormalised) loss = trainer.StepOnRowsPerClassNormalised(job.Features, job.Labels, batch, batchObserver, epoch);
                else loss = trainer.StepOnRows(job.Features, job.Labels, batch, batchObserver, epoch);
                // One check per step: NaN or infinity never comes back, so the job ends at the first one.
                if (Diverged(job, trainer, loss, step, epoch)) return;
                step++;
                if (!observed) continue;
                trainer.PublishWithUpdate();
                job.Observer.OnCheckpoint(schedule.At(step), job.Model);
            }
            if (stopper is not null && stopper.ShouldStop(epoch + 1))
            {
                trainer.Publish();
                return;
            }
        }
        if (job.ClassifierRetraining is { } retraining) Retrain(job, retraining, trainer, frame, step, cancellationToken);
        trainer.Publish();
    }

    /// <summary>
    /// cRT after the job's epochs: each of its epochs ends on a checkpoint numbered on from the job's (epoch job.Epochs + e + 1,
    /// step counting on); no log-spaced steps inside them. The stopping observer is asked after each epoch, as before.
    /// </summary>
    private static void Retrain(TrainingJob job, ClassifierRetraining retraining, MlpTrainer trainer, in SamplingFrame frame, int step,
        CancellationToken cancellationToken)
    {
        var epochRows = retraining.Sampler.EpochRows(frame);
        if (epochRows < 1) throw new InvalidOperationException($"the re-training sampler visits {epochRows} rows per epoch; at least 1 is required");
        var order = new int[epochRows];
        var batchObserver = job.Observer as IBatchObserver;
        var stopper = job.Observer as IStoppingObserver;
        trainer.BeginClassifierRetraining(job.Optimizer, retraining.Seed);
        for (var e = 0; e < retraining.Epochs; e++)
        {
            var epoch = job.Epochs + e;
            retraining.Sampler.Fill(frame, epoch, order);
            for (var start = 0; start < epochRows; start += job.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(job.BatchSize, epochRows - start));
                var observed = start + job.BatchSize >= epochRows;
                if (observed) trainer.RememberParameters();
                var loss = trainer.StepOnRows(job.Features, job.Labels, batch, batchObserver, epoch);
                if (Diverged(job, trainer, loss, step, epoch)) return;
                step++;
                if (!observed) continue;
                trainer.PublishWithUpdate();
                job.Observer.OnCheckpoint(new Checkpoint(step, epoch + 1, epoch + 1, true), job.Model);
            }
            if (stopper is not null && stopper.ShouldStop(epoch + 1)) return;
        }
    }

    private static bool Diverged(TrainingJob job, MlpTrainer trainer, double loss, int step, int epoch)
    {
        if (double.IsFinite(loss)) return false;
        trainer.Publish();
        (job.Observer as IDivergenceObserver)?.OnDiverged(step, epoch + 1, loss);
        return true;
    }
}
