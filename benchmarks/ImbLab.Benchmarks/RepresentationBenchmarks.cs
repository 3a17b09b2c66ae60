using BenchmarkDotNet.Attributes;
using ImbLab.Analysis;

namespace ImbLab.Benchmarks;

/// <summary>
/// Exact silhouette (all cores and one) and the class geometry on a layer's activations: the sizes the study
/// monitor sees (test ~800, train ~3300 rows; 8 = encoded input, 64 = hidden width) and one larger.
/// </summary>
[MemoryDiagnoser]
public class RepresentationBenchmarks
{
    private float[] _x = null!;
    private int[] _labels = null!;

    [Params(1000, 3300, 10000)]
    public int Rows { get; set; }

    [Params(8, 64)]
    public int Dims { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new ImbLab.Core.Rng(20260524);
        _labels = Enumerable.Range(0, Rows).Select(i => i % 50 == 0 ? 1 : 0).ToArray();
        _x = new float[Rows * Dims];
        for (var i = 0; i < Rows; i++)
            for (var k = 0; k < Dims; k++)
                _x[i * Dims + k] = (float)(rng.NextGaussian() + (_labels[i] == 1 && k == 0 ? 2 : 0));
    }

    [Benchmark(Description = "silhouette, all cores")]
    public double[] SilhouetteAllCores() => Silhouette.Samples(_x, Rows, Dims, _labels, 2);

    [Benchmark(Description = "silhouette, 1 thread")]
    public double[] SilhouetteOneThread() => Silhouette.Samples(_x, Rows, Dims, _labels, 2, threads: 1);

    [Benchmark(Description = "class geometry (means, NC1, CDNV)")]
    public double Geometry() => ClassGeometry.Compute(_x, Rows, Dims, _labels, 2).Nc1;
}
