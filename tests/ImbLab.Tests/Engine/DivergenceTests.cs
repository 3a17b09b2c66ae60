using ImbLab.Core.Specs;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

public sealed class DivergenceTests
{
    private sealed class Watcher : ITrainingObserver, IDivergenceObserver
    {
        public List<Checkpoint> Checkpoints { get; } = [];
        public List<(int Step, int Epoch, double Loss)> Diverged { get; } = [];

        public void OnCheckpoint(in Checkpoint checkpoint, Mlp model) => Checkpoints.Add(checkpoint);

        public void OnDiverged(int step, int epoch, double loss) => Diverged.Add((step, epoch, loss));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Given_a_job_whose_loss_becomes_non_finite_When_trained_in_a_group_Then_it_stops_there_and_the_others_go_on(int threads)
    {
        var shape = new MlpShape(6, [64, 64, 64], 3);
        var (x, y) = EngineTestSupport.RandomBatch(96, shape.Inputs, shape.Classes, 5);
        var wild = new Watcher();
        var calm = new Watcher();
        const int epochs = 4;
        TrainingJob Job(Watcher w, double lr) => new(new Mlp(shape, 1), x, y, 96, new OptimizerSettings(OptimizerKind.Sgd, lr), epochs, 16, 7, 0, w);

        LockstepTrainer.Train([Job(wild, 1e9), Job(calm, 0.01)], threads, CancellationToken.None);

        var (step, epoch, loss) = Assert.Single(wild.Diverged);
        Assert.False(double.IsFinite(loss));
        Assert.InRange(epoch, 1, epochs);
        // No checkpoint after the divergence: the parameters are no longer numbers.
        Assert.All(wild.Checkpoints, c => Assert.True(c.Step <= step));
        Assert.Empty(calm.Diverged);
        Assert.Equal(epochs * 6, calm.Checkpoints[^1].Step);
    }
}
