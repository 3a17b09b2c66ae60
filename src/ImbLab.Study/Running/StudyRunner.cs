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

namespace ImbLab.Study.Running;

/// <summary>Where finished runs go: the SQLite store, or memory for a single `imblab train`.</summary>
internal interface IRunSink
{
    void Begin(RunRow run);

    void Complete(string runId, RunRecords records, double seconds);
}

internal sealed class StoreSink(StudyStore store) : IRunSink
{
    public void Begin(RunRow run) => store.BeginRun(run);

    public void Complete(string runId, RunRecords records, double seconds) => store.CompleteRun(runId, records, seconds);
}

/// <summary>Progress for people (lossy): runs and epochs done out of the total still to do.</summary>
internal sealed record StudyProgress(int RunsDone, int RunsToDo, long EpochsDone, long EpochsToDo, string Current);

internal sealed record StudyOutcome(string StudyId, int RunsTotal, int RunsSkipped, int RunsDone, int RunsRedone, TimeSpan Elapsed);

/// <summary>
/// Runs the pending runs of a plan: per dataset, in groups that train in lockstep over all cores. Each run is
/// written to the sink the moment it finishes, so an interruption loses only the runs still in flight.
/// </summary>
internal sealed class StudyRunner
{
    private readonly int _threads;
    private readonly int _groupSize;

    public StudyRunner(int threads, int groupSize = 0)
    {
        if (threads < 1) throw new UsageException(Settings.Threads, $"{threads} must be >= 1");
        _threads = threads;
        _groupSize = groupSize > 0 ? groupSize : Math.Max(8, 4 * threads);
    }

    public StudyOutcome Run(StudyPlan plan, IRunSink sink, ISet<string> finished, int redone, IProgress<StudyProgress>? progress,
        CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var pending = plan.Runs.Where(r => !finished.Contains(r.RunId)).ToList();
        var epochsToDo = (long)pending.Count * plan.Spec.Model.Epochs;
        var runsDone = 0;
        long epochsDone = 0;
        var current = "";
        void Report() => progress?.Report(new StudyProgress(Volatile.Read(ref runsDone), pending.Count, Interlocked.Read(ref epochsDone), epochsToDo, current));
        Report();

        foreach (var group in pending.GroupBy(r => r.Dataset).SelectMany(g => g.Chunk(_groupSize)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            current = group[0].Dataset.Name;
            var jobs = new List<TrainingJob>(group.Length);
            foreach (var run in group)
            {
                jobs.Add(BuildJob(plan, run, sink, onFinished: monitor =>
                {
                    sink.Complete(monitor.RunId, monitor.Records, monitor.Seconds);
                    Interlocked.Increment(ref runsDone);
                    Report();
                }, onEpoch: () =>
                {
                    Interlocked.Increment(ref epochsDone);
                    Report();
                }));
            }
            LockstepTrainer.Train(jobs, _threads, cancellationToken);
        }
        return new StudyOutcome(plan.StudyId, plan.Runs.Count, plan.Runs.Count - pending.Count, runsDone, redone, clock.Elapsed);
    }

    private static TrainingJob BuildJob(StudyPlan plan, PlannedRun run, IRunSink sink, Action<RunMonitor> onFinished, Action onEpoch)
    {
        var model = plan.Spec.Model;
        var (table, split) = run.Dataset.Splits[run.SplitIndex];
        var seed = (ulong)run.Config.Seed;
        var trainRows = run.Protocol.Apply(run.Target, split.TrainRows, table.Labels, Rng.Derive(seed, "protocol", run.SplitIndex));
        var encoder = TableEncoder.Fit(table, trainRows, plan.Spec.Impute ? MissingPolicy.Impute : MissingPolicy.Error);
        var train = encoder.Transform(table, trainRows);
        var test = encoder.Transform(table, split.TestRows);

        sink.Begin(new RunRow(run.RunId, plan.StudyId, run.Dataset.DatasetId, run.ConfigHash, run.ConfigJson, run.Config.Seed,
            run.Config.SeedIndex, run.Config.Protocol, run.Config.Level, run.Config.RequestedIr, split.Repeat, split.Fold,
            run.MinorityClass, train.ClassCounts(), test.ClassCounts(), "running",
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), null, null, ImbLabInfo.Version));

        var shape = new MlpShape(encoder.FeatureCount, model.Hidden, table.ClassNames.Count, model.Activation);
        var mlp = new Mlp(shape, Rng.Derive(seed, "init"));
        var optimizer = new OptimizerSettings(model.Optimizer, model.LearningRate,
            model.Beta1, model.Beta2, model.Epsilon, model.Momentum, model.WeightDecay);
        var diagnostics = plan.Spec.Diagnostics;
        var monitor = new RunMonitor(run.RunId, train, test, run.MinorityClass, plan.Spec.RecordSamples, model.Epochs, model.BatchSize,
            onFinished, onEpoch, diagnostics, shape, Rng.Derive(seed, "diagnostics"));
        ITrainingObserver observer = plan.Spec.RecordSamples && diagnostics.DynamicsFrom == DynamicsSource.Training ? new PresentedSignals(monitor, train) : monitor;
        return new TrainingJob(mlp, train.Features, train.Labels, train.Rows, optimizer, model.Epochs, model.BatchSize,
            Rng.Derive(seed, "shuffle"), model.EarlyEpochs, observer);
    }
}
