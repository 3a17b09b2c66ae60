using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ImbLab.Engine;

namespace ImbLab.Benchmarks;

/// <summary>`kernels`: quick best-of-N timing of the hot kernels in GFLOP/s (for tuning on a noisy shared machine).</summary>
internal static unsafe class KernelProbe
{
    public static int Run()
    {
        var b = new KernelBenchmarks();
        b.Setup();
        var w = new WorkloadBenchmarks();
        w.Setup();
        Report("forward 32x64x64 relu", 2.0 * 32 * 64 * 64, b.Forward);
        Report("dW 64x64 k=32", 2.0 * 32 * 64 * 64, b.WeightGradient);
        Report("dX 32x64 k=64 mask", 2.0 * 32 * 64 * 64, b.InputGradient);
        Report("adam 4096", 4096, b.Adam);
        Report("adam 4096 again", 4096, b.Adam);
        var layout = new Layout(Workload.Shape);
        var p = new AlignedBuffer(layout.PaddedLength);
        var g = new AlignedBuffer(layout.PaddedLength);
        var m1 = new AlignedBuffer(layout.PaddedLength);
        var m2 = new AlignedBuffer(layout.PaddedLength);
        var t = new AlignedBuffer(layout.TransposedLength);
        Report($"adam {layout.PaddedLength}", layout.PaddedLength, () => Kernels.Adam(KernelPath.Intrinsics, p.Pointer, g.Pointer, m1.Pointer, m2.Pointer, layout.PaddedLength, 0.9f, 0.999f, 1e-3f, 0.5f, 1e-8f, 0f));
        Report("transpose all layers", layout.PaddedLength, () => layout.Transpose(KernelPath.Intrinsics, p.Pointer, t.Pointer));
        var x = new AlignedBuffer(32 * 8);
        var y = new AlignedBuffer(32 * 64);
        var y2 = new AlignedBuffer(32 * 64);
        var z = new AlignedBuffer(32 * 8);
        Report("fwd L0 32x8->64", 2.0 * 32 * 8 * 64, () => Kernels.Gemm(KernelPath.Intrinsics, x.Pointer, 8, 1, t.Pointer, 64, y.Pointer, 64, 32, 64, 8, p.Pointer, Epilogue.Relu, null));
        Report("fwd L3 32x64->2(8)", 2.0 * 32 * 64 * 2, () => Kernels.Gemm(KernelPath.Intrinsics, y.Pointer, 64, 1, t.Pointer, 8, z.Pointer, 8, 32, 8, 64, p.Pointer, Epilogue.None, null));
        Report("dW L0 64x8 k32", 2.0 * 32 * 8 * 64, () => Kernels.Gemm(KernelPath.Intrinsics, y.Pointer, 1, 64, x.Pointer, 8, g.Pointer, 8, 64, 8, 32, null, Epilogue.None, null));
        Report("dW L3 2x64 k32", 2.0 * 32 * 2 * 64, () => Kernels.Gemm(KernelPath.Intrinsics, z.Pointer, 1, 8, y.Pointer, 64, g.Pointer, 64, 2, 64, 32, null, Epilogue.None, null));
        Report("dX L3 32x64 k2", 2.0 * 32 * 2 * 64, () => Kernels.Gemm(KernelPath.Intrinsics, z.Pointer, 8, 1, p.Pointer, 64, y2.Pointer, 64, 32, 64, 2, null, Epilogue.ReluMask, y.Pointer));
        Report("colsums 32x64", 32 * 64, () => Kernels.ColumnSums(KernelPath.Intrinsics, y.Pointer, 64, 32, 64, g.Pointer));
        var labels = new int[32];
        Report("softmax CE 32x2", 32 * 2, () => SoftmaxCrossEntropy.Instance.Mean(new LossBatch(z.Pointer, x.Pointer, 8, 2, 32, labels, 0)));
        Report("train step W", 2.0 * 32 * 8832 * 3, () => w.Step());
        Report("eval 4174 rows W", 2.0 * 4174 * 8832, w.Evaluate, 200);
        return 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>This thread's CPU time in seconds (CLOCK_THREAD_CPUTIME_ID): immune to being descheduled by other processes.</summary>
    internal static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        if (ClockGetTime(3, out var t) != 0) return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    private static void Report(string name, double flops, Action action, int calls = 20000)
    {
        for (var i = 0; i < calls / 10; i++) action();
        var best = double.MaxValue;
        for (var rep = 0; rep < 7; rep++)
        {
            var start = ThreadCpuSeconds();
            for (var i = 0; i < calls / 10; i++) action();
            best = Math.Min(best, (ThreadCpuSeconds() - start) / (calls / 10));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-24} {best * 1e6,9:F3} us  {flops / best / 1e9,7:F1} GFLOP/s"));
    }
}
