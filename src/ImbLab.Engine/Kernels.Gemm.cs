using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImbLab.Engine;

/// <summary>What a GEMM does to each result before storing it.</summary>
internal enum Epilogue
{
    None,
    /// <summary>max(x, 0): the forward relu fused into the layer.</summary>
    Relu,
    /// <summary>x where mask &gt; 0, else 0: the relu derivative in the backward pass (mask = the layer's relu output).</summary>
    ReluMask,
}

/// <summary>An epilogue as a type, so the JIT compiles one branch-free microkernel per epilogue.</summary>
internal interface IEpilogue
{
    static abstract Vector256<float> Apply(Vector256<float> v);
}

internal readonly struct NoEpilogue : IEpilogue
{
    public static Vector256<float> Apply(Vector256<float> v) => v;
}

internal readonly struct ReluEpilogue : IEpilogue
{
    public static Vector256<float> Apply(Vector256<float> v) => Avx.Max(v, Vector256<float>.Zero);
}

/// <summary>The GEMMs: every layer's forward pass, weight gradient and input gradient is one call.</summary>
internal static unsafe partial class Kernels
{
    private static readonly AlignedBuffer Zeros = new(32);
    private static readonly float* ZeroBlock = Zeros.Pointer;

    /// <summary>
    /// C[m x n] = A[m x k] B[k x n] (+ bias[n]), then the epilogue. A's element (i, p) is at
    /// a[i * aRowStride + p * aColStride], so one kernel serves both A and A-transposed (the weight gradient).
    /// B and C are row-major; n is a multiple of 8; mask (for ReluMask) has C's layout.
    /// </summary>
    public static void Gemm(KernelPath path, float* a, nint aRowStride, nint aColStride, float* b, nint ldb, float* c, nint ldc,
        int m, int n, int k, float* bias, Epilogue epilogue, float* mask)
    {
        switch (path)
        {
            case KernelPath.Intrinsics: GemmAvx(a, aRowStride, aColStride, b, ldb, c, ldc, m, n, k, bias, epilogue, mask); break;
            case KernelPath.Vector: GemmVector(a, aRowStride, aColStride, b, ldb, c, ldc, m, n, k, bias, epilogue, mask); break;
            default: GemmScalar(a, aRowStride, aColStride, b, ldb, c, ldc, m, n, k, bias, epilogue, mask); break;
        }
    }

    /// <summary>One row of C at a time, four vectors wide, accumulators in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmVector(float* a, nint ars, nint acs, float* b, nint ldb, float* c, nint ldc,
        int m, int n, int k, float* bias, Epilogue epilogue, float* mask)
    {
        var w = Vector<float>.Count;
        for (var i = 0; i < m; i++)
        {
            var arow = a + i * ars;
            var crow = c + i * ldc;
            var mrow = mask == null ? null : mask + i * ldc;
            var j = 0;
            for (; j + 4 * w <= n; j += 4 * w)
            {
                Vector<float> c0, c1, c2, c3;
                if (bias != null)
                {
                    c0 = VLoad(bias + j); c1 = VLoad(bias + j + w); c2 = VLoad(bias + j + 2 * w); c3 = VLoad(bias + j + 3 * w);
                }
                else c0 = c1 = c2 = c3 = Vector<float>.Zero;
                var ap = arow;
                var bp = b + j;
                for (var p = 0; p < k; p++)
                {
                    var x = new Vector<float>(*ap);
                    c0 += x * VLoad(bp);
                    c1 += x * VLoad(bp + w);
                    c2 += x * VLoad(bp + 2 * w);
                    c3 += x * VLoad(bp + 3 * w);
                    ap += acs;
                    bp += ldb;
                }
                VPut(crow + j, mrow == null ? null : mrow + j, c0, epilogue);
                VPut(crow + j + w, mrow == null ? null : mrow + j + w, c1, epilogue);
                VPut(crow + j + 2 * w, mrow == null ? null : mrow + j + 2 * w, c2, epilogue);
                VPut(crow + j + 3 * w, mrow == null ? null : mrow + j + 3 * w, c3, epilogue);
            }
            for (; j < n; j += w)
            {
                var c0 = bias != null ? VLoad(bias + j) : Vector<float>.Zero;
                var ap = arow;
                var bp = b + j;
                for (var p = 0; p < k; p++)
                {
                    c0 += new Vector<float>(*ap) * VLoad(bp);
                    ap += acs;
                    bp += ldb;
                }
                VPut(crow + j, mrow == null ? null : mrow + j, c0, epilogue);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> VLoad(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VPut(float* c, float* mask, Vector<float> v, Epilogue epilogue)
    {
        if (epilogue == Epilogue.Relu) v = Vector.Max(v, Vector<float>.Zero);
        else if (epilogue == Epilogue.ReluMask) v = Vector.ConditionalSelect(Vector.GreaterThan(VLoad(mask), Vector<float>.Zero), v, Vector<float>.Zero);
        Unsafe.WriteUnaligned(c, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmScalar(float* a, nint ars, nint acs, float* b, nint ldb, float* c, nint ldc,
        int m, int n, int k, float* bias, Epilogue epilogue, float* mask)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = bias == null ? 0f : bias[j];
                for (var p = 0; p < k; p++) sum += a[i * ars + p * acs] * b[p * ldb + j];
                var at = i * ldc + j;
                c[at] = epilogue switch
                {
                    Epilogue.Relu => sum > 0 ? sum : 0f,
                    Epilogue.ReluMask => mask[at] > 0 ? sum : 0f,
                    _ => sum,
                };
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, nint at, Vector256<float> v, Epilogue epilogue)
    {
        if (epilogue == Epilogue.Relu) v = Avx.Max(v, Vector256<float>.Zero);
        Avx.Store(c + at, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmAvx(float* a, nint ars, nint acs, float* b, nint ldb, float* c, nint ldc,
        int m, int n, int k, float* bias, Epilogue epilogue, float* mask)
    {
        if (epilogue == Epilogue.ReluMask)
        {
            // A separate pass: fused into the microkernel, the mask loads cost an accumulator spill per iteration.
            GemmAvx(a, ars, acs, b, ldb, c, ldc, m, n, k, bias, Epilogue.None, null);
            for (var r = 0; r < m; r++)
            {
                var cr = c + r * ldc;
                var mr = mask + r * ldc;
                for (var j = 0; j < n; j += 8)
                    Avx.Store(cr + j, Avx.And(Avx.LoadVector256(cr + j), Avx.CompareGreaterThan(Avx.LoadVector256(mr + j), Vector256<float>.Zero)));
            }
            return;
        }
        var i = 0;
        // 4 rows x 32 columns: 16 accumulators, 4 loads + 4 broadcasts per 16 FMAs.
        for (; i + 4 <= m; i += 4)
        {
            var a0 = a + i * ars;
            var j = 0;
            for (; j + 32 <= n; j += 32)
            {
                var bj = bias == null ? null : bias + j;
                var cj = c + i * ldc + j;
                switch (epilogue)
                {
                    case Epilogue.Relu: Block4x32<ReluEpilogue>(a0, ars, acs, b + j, ldb, cj, ldc, k, bj); break;
                    default: Block4x32<NoEpilogue>(a0, ars, acs, b + j, ldb, cj, ldc, k, bj); break;
                }
            }
            for (; j < n; j += 8)
            {
                Vector256<float> c0, c1, c2, c3;
                c0 = c1 = c2 = c3 = bias != null ? Avx.LoadVector256(bias + j) : Vector256<float>.Zero;
                // Two interleaved chains per row halve the FMA latency stall on narrow outputs (e.g. 2 classes).
                Vector256<float> d0 = Vector256<float>.Zero, d1 = d0, d2 = d0, d3 = d0;
                var ap = a0;
                var bp = b + j;
                var p = 0;
                for (; p + 2 <= k; p += 2)
                {
                    var b0 = Avx.LoadVector256(bp);
                    var b1 = Avx.LoadVector256(bp + ldb);
                    c0 = Fma.MultiplyAdd(Vector256.Create(ap[0]), b0, c0);
                    c1 = Fma.MultiplyAdd(Vector256.Create(ap[ars]), b0, c1);
                    c2 = Fma.MultiplyAdd(Vector256.Create(ap[2 * ars]), b0, c2);
                    c3 = Fma.MultiplyAdd(Vector256.Create(ap[3 * ars]), b0, c3);
                    d0 = Fma.MultiplyAdd(Vector256.Create(ap[acs]), b1, d0);
                    d1 = Fma.MultiplyAdd(Vector256.Create(ap[ars + acs]), b1, d1);
                    d2 = Fma.MultiplyAdd(Vector256.Create(ap[2 * ars + acs]), b1, d2);
                    d3 = Fma.MultiplyAdd(Vector256.Create(ap[3 * ars + acs]), b1, d3);
                    ap += 2 * acs;
                    bp += 2 * ldb;
                }
                if (p < k)
                {
                    var b0 = Avx.LoadVector256(bp);
                    c0 = Fma.MultiplyAdd(Vector256.Create(ap[0]), b0, c0);
                    c1 = Fma.MultiplyAdd(Vector256.Create(ap[ars]), b0, c1);
                    c2 = Fma.MultiplyAdd(Vector256.Create(ap[2 * ars]), b0, c2);
                    c3 = Fma.MultiplyAdd(Vector256.Create(ap[3 * ars]), b0, c3);
                }
                var r0 = i * ldc + j;
                Put(c, r0, Avx.Add(c0, d0), epilogue);
                Put(c, r0 + ldc, Avx.Add(c1, d1), epilogue);
                Put(c, r0 + 2 * ldc, Avx.Add(c2, d2), epilogue);
                Put(c, r0 + 3 * ldc, Avx.Add(c3, d3), epilogue);
            }
        }
        for (; i < m; i++)
        {
            var a0 = a + i * ars;
            var j = 0;
            for (; j + 32 <= n; j += 32)
            {
                Vector256<float> c0, c1, c2, c3;
                if (bias != null)
                {
                    c0 = Avx.LoadVector256(bias + j); c1 = Avx.LoadVector256(bias + j + 8);
                    c2 = Avx.LoadVector256(bias + j + 16); c3 = Avx.LoadVector256(bias + j + 24);
                }
                else c0 = c1 = c2 = c3 = Vector256<float>.Zero;
                var ap = a0;
                var bp = b + j;
                for (var p = 0; p < k; p++)
                {
                    var x = Vector256.Create(*ap);
                    c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp), c0);
                    c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + 8), c1);
                    c2 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + 16), c2);
                    c3 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + 24), c3);
                    ap += acs;
                    bp += ldb;
                }
                var r0 = i * ldc + j;
                Put(c, r0, c0, epilogue); Put(c, r0 + 8, c1, epilogue);
                Put(c, r0 + 16, c2, epilogue); Put(c, r0 + 24, c3, epilogue);
            }
            for (; j < n; j += 8)
            {
                // Same two-chain order as the 4-row block, so a row's result does not depend on its neighbours.
                var c0 = bias != null ? Avx.LoadVector256(bias + j) : Vector256<float>.Zero;
                var d0 = Vector256<float>.Zero;
                var ap = a0;
                var bp = b + j;
                var p = 0;
                for (; p + 2 <= k; p += 2)
                {
                    c0 = Fma.MultiplyAdd(Vector256.Create(ap[0]), Avx.LoadVector256(bp), c0);
                    d0 = Fma.MultiplyAdd(Vector256.Create(ap[acs]), Avx.LoadVector256(bp + ldb), d0);
                    ap += 2 * acs;
                    bp += 2 * ldb;
                }
                if (p < k) c0 = Fma.MultiplyAdd(Vector256.Create(ap[0]), Avx.LoadVector256(bp), c0);
                Put(c, i * ldc + j, Avx.Add(c0, d0), epilogue);
            }
        }
    }

    /// <summary>
    /// The main microkernel: a 4 x 32 block of C in 16 accumulators. Kept in its own method so the register
    /// allocator sees only this loop (inside the big kernel it spilled an accumulator every iteration).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Block4x32<TEpilogue>(float* a, nint ars, nint acs, float* b, nint ldb, float* c, nint ldc, int k, float* bias)
        where TEpilogue : struct, IEpilogue
    {
        // One straight-line initialisation (no branch joining two sets of values before the loop) keeps all
        // 16 accumulators in registers; a missing bias reads a block of zeros instead.
        if (bias == null) bias = ZeroBlock;
        Vector256<float> c00 = Avx.LoadVector256(bias), c01 = Avx.LoadVector256(bias + 8), c02 = Avx.LoadVector256(bias + 16), c03 = Avx.LoadVector256(bias + 24);
        Vector256<float> c10 = Avx.LoadVector256(bias), c11 = Avx.LoadVector256(bias + 8), c12 = Avx.LoadVector256(bias + 16), c13 = Avx.LoadVector256(bias + 24);
        Vector256<float> c20 = Avx.LoadVector256(bias), c21 = Avx.LoadVector256(bias + 8), c22 = Avx.LoadVector256(bias + 16), c23 = Avx.LoadVector256(bias + 24);
        Vector256<float> c30 = Avx.LoadVector256(bias), c31 = Avx.LoadVector256(bias + 8), c32 = Avx.LoadVector256(bias + 16), c33 = Avx.LoadVector256(bias + 24);
        var a1 = a + ars;
        var a2 = a + 2 * ars;
        var a3 = a + 3 * ars;
        for (var p = 0; p < k; p++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var b2 = Avx.LoadVector256(b + 16);
            var b3 = Avx.LoadVector256(b + 24);
            var x = Vector256.Create(*a);
            c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01); c02 = Fma.MultiplyAdd(x, b2, c02); c03 = Fma.MultiplyAdd(x, b3, c03);
            x = Vector256.Create(*a1);
            c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11); c12 = Fma.MultiplyAdd(x, b2, c12); c13 = Fma.MultiplyAdd(x, b3, c13);
            x = Vector256.Create(*a2);
            c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21); c22 = Fma.MultiplyAdd(x, b2, c22); c23 = Fma.MultiplyAdd(x, b3, c23);
            x = Vector256.Create(*a3);
            c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31); c32 = Fma.MultiplyAdd(x, b2, c32); c33 = Fma.MultiplyAdd(x, b3, c33);
            a += acs; a1 += acs; a2 += acs; a3 += acs;
            b += ldb;
        }
        Store<TEpilogue>(c, c00, c01, c02, c03);
        Store<TEpilogue>(c + ldc, c10, c11, c12, c13);
        Store<TEpilogue>(c + 2 * ldc, c20, c21, c22, c23);
        Store<TEpilogue>(c + 3 * ldc, c30, c31, c32, c33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TEpilogue>(float* c, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3)
        where TEpilogue : struct, IEpilogue
    {
        Avx.Store(c, TEpilogue.Apply(v0));
        Avx.Store(c + 8, TEpilogue.Apply(v1));
        Avx.Store(c + 16, TEpilogue.Apply(v2));
        Avx.Store(c + 24, TEpilogue.Apply(v3));
    }
}
