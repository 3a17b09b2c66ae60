using BenchmarkDotNet.Attributes;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>The small GEMMs of one W training step (batch 32, 64 x 64 layer) and the Adam update, per call.</summary>
[MemoryDiagnoser]
public unsafe class KernelBenchmarks
{
    private AlignedBuffer _x = null!, _w = null!, _wt = null!, _bias = null!, _y = null!, _delta = null!, _dw = null!, _m = null!, _v = null!;

    [Params("Intrinsics", "Vector", "Scalar")]
    public string Path { get; set; } = "Intrinsics";

    private KernelPath Kernel => Kernels.Resolve(Enum.Parse<KernelPath>(Path));

    [GlobalSetup]
    public void Setup()
    {
        _x = Filled(32 * 64, 1);
        _w = Filled(64 * 64, 2);
        _wt = Filled(64 * 64, 3);
        _bias = Filled(64, 4);
        _y = Filled(32 * 64, 5);
        _delta = Filled(32 * 64, 6);
        _dw = Filled(64 * 64, 7);
        _m = Filled(9000, 8);
        _v = Filled(9000, 9);
        for (var i = 0; i < _v.Length; i++) _v.Span[i] = Math.Abs(_v.Span[i]);
    }

    private static AlignedBuffer Filled(int n, int seed)
    {
        var b = new AlignedBuffer(n);
        var rng = new ImbLab.Core.Rng((ulong)seed);
        for (var i = 0; i < n; i++) b.Span[i] = (float)rng.NextGaussian();
        return b;
    }

    [Benchmark(Description = "forward 32x64x64 + bias + relu")]
    public void Forward() =>
        Kernels.Gemm(Kernel, _x.Pointer, 64, 1, _wt.Pointer, 64, _y.Pointer, 64, 32, 64, 64, _bias.Pointer, Epilogue.Relu, null);

    [Benchmark(Description = "weight gradient dW = D^T X (64x64, k=32)")]
    public void WeightGradient() =>
        Kernels.Gemm(Kernel, _delta.Pointer, 1, 64, _x.Pointer, 64, _dw.Pointer, 64, 64, 64, 32, null, Epilogue.None, null);

    [Benchmark(Description = "input gradient dX = D W, relu mask (32x64, k=64)")]
    public void InputGradient() =>
        Kernels.Gemm(Kernel, _delta.Pointer, 64, 1, _w.Pointer, 64, _y.Pointer, 64, 32, 64, 64, null, Epilogue.ReluMask, _x.Pointer);

    [Benchmark(Description = "Adam over 4096 parameters")]
    public void Adam() =>
        Kernels.Adam(Kernel, _w.Pointer, _dw.Pointer, _m.Pointer, _v.Pointer, 4096, 0.9f, 0.999f, 1e-9f, 0.5f, 1e-8f, 0f);
}

/// <summary>One epoch of workload W (job setup, 105 steps, evaluation of all 4174 rows), one training step, and the evaluation alone, on one core.</summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Workload _w = null!;
    private MlpTrainer _trainer = null!;
    private int[] _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _w = new Workload();
        _trainer = new MlpTrainer(new Mlp(Workload.Shape, 1), new OptimizerSettings(), Workload.BatchSize);
        _batch = Enumerable.Range(0, Workload.BatchSize).Select(i => i * 97 % Workload.TrainRows).ToArray();
    }

    [Benchmark(Description = "one W epoch (train + eval), 1 model, 1 thread")]
    public void Epoch() => LockstepTrainer.Train([_w.Job(1, 1)], 1, CancellationToken.None);

    [Benchmark(Description = "one training step, batch 32")]
    public double Step() => _trainer.StepOnRows(_w.TrainX, _w.TrainY, _batch);

    [Benchmark(Description = "predict 4174 rows (the per-epoch evaluation)")]
    public void Evaluate()
    {
        var observer = new Workload.EvaluatingObserver(_w);
        observer.OnCheckpoint(new Checkpoint(0, 0, 0, true), _trainer.Model);
    }
}
