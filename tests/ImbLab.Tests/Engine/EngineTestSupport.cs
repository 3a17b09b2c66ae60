using ImbLab.Core;
using ImbLab.Engine;
using Xunit;

namespace ImbLab.Tests.Engine;

internal static class EngineTestSupport
{
    public static void AssertClose(double expected, double actual, double relative, double absolute, string what)
    {
        var tolerance = absolute + relative * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):E3} > {tolerance:E3})");
    }

    public static void AssertAllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative, double absolute, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) AssertClose(expected[i], actual[i], relative, absolute, $"{what}[{i}]");
    }

    /// <summary>Gaussian features, labels uniformly from the classes (both drawn from the seed).</summary>
    public static (float[] X, int[] Y) RandomBatch(int rows, int inputs, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * inputs];
        for (var i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        var y = new int[rows];
        for (var i = 0; i < rows; i++) y[i] = rng.NextInt(classes);
        return (x, y);
    }

    /// <summary>Two Gaussian blobs 4 standard deviations apart along every feature: linearly separable in practice.</summary>
    public static (float[] X, int[] Y) SeparableBlobs(int rows, int inputs, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[rows * inputs];
        var y = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            y[r] = r % 2;
            for (var i = 0; i < inputs; i++) x[r * inputs + i] = (float)(0.5 * rng.NextGaussian() + (y[r] == 1 ? 2 : -2));
        }
        return (x, y);
    }

    public static byte[] ParameterBytes(Mlp model)
    {
        var p = new float[model.ParameterCount];
        model.CopyParameters(p);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(p.AsSpan()).ToArray();
    }
}

/// <summary>Records every checkpoint it is shown, with the model's loss-relevant state at that moment.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<Checkpoint> Checkpoints { get; } = [];
    public List<int> ThreadIds { get; } = [];
    public Action<Checkpoint, Mlp>? OnEach { get; init; }

    public void OnCheckpoint(in Checkpoint checkpoint, Mlp model)
    {
        Checkpoints.Add(checkpoint);
        ThreadIds.Add(Environment.CurrentManagedThreadId);
        OnEach?.Invoke(checkpoint, model);
    }
}
