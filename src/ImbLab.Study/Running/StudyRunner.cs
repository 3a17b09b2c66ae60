using System.Globalization;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;
using ImbLab.Engine;
using ImbLab.Study.Planning;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Core.Specs;
using ImbLab.Study.Remedies;

namespace ImbLab.Study.Running;

/// <summary>Where finished runs go: the SQLite store, or memory for a single `imblab train`.</summary>
internal interface IRunSink
{
    void Begin(RunRow run);

    void Complete(string runId, RunRecords records, double seconds);
}

/// <summary>
/// Shares a study's runs with other processes working on the same store: a run is trained only by the process that
/// claimed it, and a process with nothing left to claim waits for the others' runs in flight.
/// </summary>
internal interface IRunClaims
{
    /// <summary>Claims a run (writing it as 'running'); false when it is finished or another live process holds it.</summary>
    bool TryClaim(RunRow run);

    /// <summary>The runs of the study finished so far, by any process.</summary>
    ISet<string> Finished(string studyId);
}

internal sealed class StoreSink(StudyStore store) : IRunSink, IRunClaims
{
    public void Begin(RunRow run) => store.BeginRun(run);

    public void Complete(string runId, RunRecords records, double seconds) => store.CompleteRun(runId, records, seconds);

    public bool TryClaim(RunRow run) => store.TryClaimRun(run);

    public ISet<string> Finished(string studyId) => store.FinishedRunIds(studyId);
}

/// <summary>Progress for people (lossy): runs and epochs done out of the total still to do.</summary>
public sealed record StudyProgress(int RunsDone, int RunsToDo, long EpochsDone, long EpochsToDo, string Current);

/// <summary>A study process's share of a study: RunsByOthers were trained meanwhile by other processes on the same store.</summary>
public sealed record StudyOutcome(string StudyId, int RunsTotal, int RunsSkipped, int RunsDone, int RunsRedone, TimeSpan Elapsed, int RunsByOthers = 0);

/// <summary>
/// Runs the pending runs of a plan: per dataset, in groups that train in lockstep over all cores. Each run is
/// written to the sink the moment it finishes, so an interruption loses only the runs still in flight. With claims
/// (a study on a store), each run is claimed just before its group trains, so several processes on one store share
/// the plan; when nothing is left to claim the runner polls until the other processes' runs are finished, claiming
/// any whose owner died meanwhile. That wait is bounded by the others' liveness: a worker that stops heartbeating
/// for <see cref="RunOwner.StaleAfter"/> loses its runs to this one.
/// </summary>
internal sealed class StudyRunner
{
    /// <summary>How often a runner with nothing to claim looks again at the other processes' runs in flight.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly int _threads;
    private readonly int _groupSize;
    private readonly TimeProvider _clock;

    public StudyRunner(int threads, int groupSize = 0, TimeProvider? clock = null)
    {
        if (threads < 1) throw new UsageException(Settings.Threads, $"{threads} must be >= 1");
        _threads = threads;
        _groupSize = groupSize > 0 ? groupSize : Math.Max(8, 4 * threads);
        _clock = clock ?? TimeProvider.System;
    }

    public StudyOutcome Run(StudyPlan plan, IRunSink sink, ISet<string> finished, int redone, IProgress<StudyProgress>? progress,
        CancellationToken cancellationToken, IRunClaims? claims = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pending = plan.Runs.Where(r => !finished.Contains(r.RunId)).ToList();
        // A cRT run's second stage adds its epochs.
        var epochsToDo = pending.Sum(r => (long)plan.Spec.Model.Epochs + (long)(r.Remedy.Part("crt")?.Value("epochs") ?? 0));
        var runsDone = 0;
        long epochsDone = 0;
        var current = "";
        void Report() => progress?.Report(new StudyProgress(Volatile.Read(ref runsDone), pending.Count, Interlocked.Read(ref epochsDone), epochsToDo, current));
        Report();

        var toClaim = pending;
        while (true)
        {
            var trained = false;
            foreach (var group in toClaim.GroupBy(r => r.Dataset).SelectMany(g => g.Chunk(_groupSize)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                current = group[0].Dataset.Name;
                var jobs = new List<TrainingJob>(group.Length);
                foreach (var run in group)
                {
                    var job = BuildJob(plan, run, sink, claims, onFinished: monitor =>
                    {
                        sink.Complete(monitor.RunId, monitor.Records, monitor.Seconds);
                        Interlocked.Increment(ref runsDone);
                        Report();
                    }, onEpoch: () =>
                    {
                        Interlocked.Increment(ref epochsDone);
                        Report();
                    });
                    if (job is not null) jobs.Add(job);
                }
                if (jobs.Count == 0) continue;
                LockstepTrainer.Train(jobs, _threads, cancellationToken);
                trained = true;
            }
            if (claims is null) break;

            // Runs another process held: done by now, still in flight (wait), or abandoned (claimable on the next pass).
            var done = claims.Finished(plan.StudyId);
            toClaim = pending.Where(r => !done.Contains(r.RunId)).ToList();
            if (toClaim.Count == 0) break;
            if (!trained) Wait(cancellationToken);
        }
        var byOthers = pending.Count - Volatile.Read(ref runsDone);
        return new StudyOutcome(plan.StudyId, plan.Runs.Count, plan.Runs.Count - pending.Count, runsDone, redone, clock.Elapsed, byOthers);
    }

    private void Wait(CancellationToken cancellationToken)
    {
        using var elapsed = new ManualResetEventSlim();
        using var timer = _clock.CreateTimer(_ => elapsed.Set(), null, PollInterval, Timeout.InfiniteTimeSpan);
        elapsed.Wait(cancellationToken);
    }

    /// <summary>The training job of a run, or null when <paramref name="claims"/> says another process has it or finished it.</summary>
    private TrainingJob? BuildJob(StudyPlan plan, PlannedRun run, IRunSink sink, IRunClaims? claims, Action<RunMonitor> onFinished, Action onEpoch)
    {
        var model = plan.Spec.Model;
        var (table, split) = run.Dataset.Splits[run.SplitIndex];
        var seed = (ulong)run.Config.Seed;
        var trainRows = run.Protocol.Apply(run.Target, split.TrainRows, table.Labels, Rng.Derive(seed, "protocol", run.SplitIndex));
        // threshold and early-stop train on the rest of the training part after carving their validation split from it;
        // the encoder is fitted on the rows the model trains on.
        int[]? validationRows = null;
        if (run.Remedy.In(RemedyRole.Validation) is { } carve)
            (trainRows, validationRows) = ValidationSplit.Carve(trainRows, table.Labels, carve.Value("val"), seed);
        var encoder = TableEncoder.Fit(table, trainRows, plan.Spec.Impute ? MissingPolicy.Impute : MissingPolicy.Error);
        var train = encoder.Transform(table, trainRows);
        var test = encoder.Transform(table, split.TestRows);
        var validation = validationRows is null ? null : encoder.Transform(table, validationRows);

        var row = new RunRow(run.RunId, plan.StudyId, run.Dataset.DatasetId, run.ConfigHash, run.ConfigJson, run.Config.Seed,
            run.Config.SeedIndex, run.Config.Protocol, run.Config.Level, run.Config.RequestedIr, split.Repeat, split.Fold,
            run.MinorityClass, train.ClassCounts(), test.ClassCounts(), "running", StudyStore.Timestamp(_clock.GetUtcNow()), null, null,
            ImbLabInfo.Version) { Remedy = run.Remedy.Canonical };
        if (claims is null) sink.Begin(row);
        else if (!claims.TryClaim(row)) return null;

        var shape = new MlpShape(encoder.FeatureCount, model.Hidden, table.ClassNames.Count, model.Activation);
        var mlp = new Mlp(shape, Rng.Derive(seed, "init"));
        var optimizer = new OptimizerSettings(model.Optimizer, model.LearningRate,
            model.Beta1, model.Beta2, model.Epsilon, model.Momentum, model.WeightDecay);
        var diagnostics = plan.Spec.Diagnostics;
        // The job trains on the remedy's rows (re-sampled data); the monitor evaluates the run's own training rows.
        var remedy = RemedyTraining.Build(run.Remedy, train, run.MinorityClass, model, seed, encoder.OneHotGroups);
        var shuffle = Rng.Derive(seed, "shuffle");
        var epochRows = remedy.EpochRows(model.BatchSize, shuffle, shape.Classes);
        var evaluation = RemedyEvaluation.For(run.Remedy, train.ClassCounts(), run.MinorityClass, validation, shape);
        var monitored = remedy.Monitored(train);
        var monitor = new RunMonitor(run.RunId, monitored, test, run.MinorityClass, plan.Spec.RecordSamples, remedy.TotalEpochs(model.Epochs), model.BatchSize,
            onFinished, onEpoch, diagnostics, shape, Rng.Derive(seed, "diagnostics"), evaluation, (epochRows + model.BatchSize - 1) / model.BatchSize,
            remedy.ClassifierRetraining is null ? null : e => remedy.StepOfEpoch(e, model.Epochs, model.BatchSize, shuffle, shape.Classes));
        ITrainingObserver observer = plan.Spec.RecordSamples && diagnostics.DynamicsFrom == DynamicsSource.Training ? new PresentedSignals(monitor, monitored) : monitor;
        var job = new TrainingJob(mlp, remedy.Features, remedy.Labels, remedy.Rows, optimizer, model.Epochs, model.BatchSize,
            shuffle, model.EarlyEpochs, observer);
        if (remedy.Loss is not null) job = job with { Loss = remedy.Loss };
        if (remedy.Sampler is not null) job = job with { Sampler = remedy.Sampler };
        if (remedy.Mixing is not null) job = job with { Mixing = remedy.Mixing };
        if (remedy.PerClassNormalised) job = job with { PerClassNormalised = true };
        if (remedy.ClassifierRetraining is not null) job = job with { ClassifierRetraining = remedy.ClassifierRetraining };
        return job;
    }
}
