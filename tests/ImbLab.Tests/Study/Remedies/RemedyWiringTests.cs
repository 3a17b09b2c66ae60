using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Core.Specs;
using ImbLab.Store;
using ImbLab.Study;
using ImbLab.Study.Planning;
using Xunit;

namespace ImbLab.Tests.Study.Remedies;

/// <summary>How the study wires the data, batch and training-loop remedies into a run, and what the run then stores.</summary>
public sealed class RemedyWiringTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-wiring-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StudySpec Spec(string remedy, int epochs = 4) => new()
    {
        Data = ["synthetic:rows=400,d=4"],
        Protocols = ["subsample-minority"],
        Irs = [5],
        Seeds = 1,
        Remedies = ["none", remedy],
        Model = new ModelSpec { Hidden = [8], Epochs = epochs, BatchSize = 16 },
    };

    private StudyData Train(StudySpec spec)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db");
        var outcome = StudyPipeline.Train(spec, path, threads: 1, progress: null, CancellationToken.None);
        return StudyStore.Load(path, outcome.StudyId);
    }

    [Fact]
    public void Given_crt_When_trained_Then_the_run_records_its_epochs_and_the_second_stage_s()
    {
        using var data = Train(Spec("crt:epochs=3"));
        var crt = data.Runs.Single(r => r.Run.Remedy == "crt:epochs=3");
        var plain = data.Runs.Single(r => r.Run.Remedy == "none");
        double[] Epochs(RunData r) => [.. r.Metrics.Where(m => m.Split == Splits.Test && m.Metric == MetricNames.Accuracy && m.Epoch == Math.Floor(m.Epoch)).Select(m => m.Epoch)];
        Assert.Equal([0.0, 1, 2, 3, 4], Epochs(plain));
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6, 7], Epochs(crt));
        // The first stage is plain training: the same numbers as none up to its last epoch.
        Assert.Equal(plain.Metrics, crt.Metrics.Where(m => m.Epoch <= 4));
    }

    [Fact]
    public void Given_rus_When_trained_Then_the_monitor_follows_the_kept_rows_and_the_run_keeps_the_protocol_s_counts()
    {
        using var data = Train(Spec("rus"));
        var rus = data.Runs.Single(r => r.Run.Remedy == "rus").Run;
        var plain = data.Runs.Single(r => r.Run.Remedy == "none").Run;
        Assert.Equal(plain.TrainCounts, rus.TrainCounts);
        var followed = data.Samples.Samples(rus.RunId).Single(s => s.Split == Splits.Train);
        var minority = rus.TrainCounts[rus.MinorityClass];
        Assert.Equal(2 * minority, followed.RowIds.Length);
        Assert.Equal(minority, followed.Labels.Count(y => y == rus.MinorityClass));
        Assert.Subset(data.Samples.Samples(plain.RunId).Single(s => s.Split == Splits.Train).RowIds.ToHashSet(), followed.RowIds.ToHashSet());
    }

    [Fact]
    public void Given_ros_and_smote_When_trained_Then_the_monitor_follows_every_original_training_row_once()
    {
        using var data = Train(Spec("ros") with { Remedies = ["none", "ros", "smote"] });
        var plainRows = data.Samples.Samples(data.Runs.Single(r => r.Run.Remedy == "none").Run.RunId).Single(s => s.Split == Splits.Train).RowIds;
        foreach (var run in data.Runs.Where(r => r.Run.Remedy != "none"))
            Assert.Equal(plainRows, data.Samples.Samples(run.Run.RunId).Single(s => s.Split == Splits.Train).RowIds);
    }

    [Fact]
    public void Given_smote_with_more_neighbours_than_minority_rows_When_planned_Then_it_is_infeasible_with_why_before_anything_trains()
    {
        var spec = Spec("smote:k=100") with { Irs = [20] };
        var message = Assert.Throws<InfeasibleException>(() => StudyPlan.Create(spec)).Message;
        Assert.Contains("remedy smote:k=100", message);
        Assert.Contains("SMOTE with k = 100 needs at least 101 training rows", message);
        var infeasible = new List<InfeasibleRequest>();
        var plan = StudyPlan.Create(spec, infeasible);
        Assert.All(plan.Runs, r => Assert.True(r.Remedy.IsNone));
        Assert.Equal("subsample-minority, remedy smote:k=100", Assert.Single(infeasible).Protocol);
    }

    [Fact]
    public void Given_a_remedy_that_changes_the_batches_When_planned_with_training_dynamics_Then_it_is_refused()
    {
        var spec = Spec("balanced-batches") with { Diagnostics = new DiagnosticsSpec { DynamicsFrom = DynamicsSource.Training } };
        var message = Assert.Throws<UsageException>(() => StudyPlan.Create(spec)).Message;
        Assert.Contains("balanced-batches changes which rows a batch presents", message);
    }

    [Theory]
    [InlineData(0.8, 100, 80)]
    [InlineData(0.8, 20, 16)]
    [InlineData(0.5, 3, 1)]
    [InlineData(0.99, 10, 9)]
    [InlineData(0.01, 10, 1)]
    [InlineData(0.8, 1, 1)]
    public void Given_a_schedule_When_its_switch_is_placed_Then_it_is_floor_at_times_epochs_within_1_to_epochs_minus_1(double at, int epochs, int expected) =>
        Assert.Equal(expected, ImbLab.Study.Remedies.RemedyTraining.SwitchEpoch(at, epochs));
}
