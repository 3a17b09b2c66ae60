using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ImbLab.Engine;

/// <summary>Which implementation of the kernels runs. A path the machine lacks falls back to the next one.</summary>
public enum KernelPath
{
    /// <summary>AVX2 + FMA through System.Runtime.Intrinsics (x64): the fast path.</summary>
    Intrinsics,
    /// <summary>System.Numerics.Vector&lt;float&gt;: portable SIMD (NEON on Arm, SSE/AVX on x64 without FMA).</summary>
    Vector,
    /// <summary>Plain scalar loops: runs anywhere, the readable reference.</summary>
    Scalar,
}

/// <summary>
/// The engine's numeric kernels. Each has an AVX2+FMA path and portable paths with the same
/// semantics (results differ only by rounding), chosen per call (<see cref="KernelPath"/>, already resolved by the
/// caller through <see cref="Resolve"/>) so tests can exercise every path on one machine.
/// All widths along the vectorised dimension are multiples of <see cref="Layout.Lane"/>.
/// </summary>
internal static unsafe partial class Kernels
{
    /// <summary>Whether this machine runs the AVX2 + FMA path.</summary>
    public static bool Accelerated { get; } = Avx2.IsSupported && Fma.IsSupported;

    /// <summary>The path that will actually run when <paramref name="requested"/> is asked for on this machine.</summary>
    public static KernelPath Resolve(KernelPath requested)
    {
        if (requested == KernelPath.Intrinsics && !Accelerated) requested = KernelPath.Vector;
        // Rows are padded to 8 floats, so a vector must divide 8 to need no tail.
        if (requested == KernelPath.Vector && !(Vector.IsHardwareAccelerated && Layout.Lane % Vector<float>.Count == 0)) requested = KernelPath.Scalar;
        return requested;
    }

    /// <summary>sums[j] = sum over rows of x[r * ld + j], for j &lt; n (n a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnSums(KernelPath path, float* x, nint ld, int rows, int n, float* sums)
    {
        if (path == KernelPath.Intrinsics)
        {
            for (var j = 0; j < n; j += 8)
            {
                var s = Vector256<float>.Zero;
                for (var r = 0; r < rows; r++) s = Avx.Add(s, Avx.LoadVector256(x + r * ld + j));
                Avx.Store(sums + j, s);
            }
            return;
        }
        for (var j = 0; j < n; j++)
        {
            var s = 0f;
            for (var r = 0; r < rows; r++) s += x[r * ld + j];
            sums[j] = s;
        }
    }

    /// <summary>In place tanh over rows x n (stride ld).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tanh(float* x, nint ld, int rows, int n)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = x + r * ld;
            for (var j = 0; j < n; j++) row[j] = MathF.Tanh(row[j]);
        }
    }

    /// <summary>delta *= 1 - y^2 (the tanh derivative expressed through the layer's output y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(float* delta, float* y, nint ld, int rows, int n)
    {
        for (var r = 0; r < rows; r++)
        {
            var d = delta + r * ld;
            var o = y + r * ld;
            for (var j = 0; j < n; j++) d[j] *= 1f - o[j] * o[j];
        }
    }

    /// <summary>t[p * rows + o] = w[o * cols + p]; rows and cols are multiples of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(KernelPath path, float* w, float* t, int rows, int cols)
    {
        if (path != KernelPath.Intrinsics)
        {
            for (var o = 0; o < rows; o++)
                for (var p = 0; p < cols; p++) t[p * rows + o] = w[o * cols + p];
            return;
        }
        for (var o = 0; o < rows; o += 8)
        {
            for (var p = 0; p < cols; p += 8)
            {
                var src = w + o * cols + p;
                var r0 = Avx.LoadVector256(src);
                var r1 = Avx.LoadVector256(src + cols);
                var r2 = Avx.LoadVector256(src + 2 * cols);
                var r3 = Avx.LoadVector256(src + 3 * cols);
                var r4 = Avx.LoadVector256(src + 4 * cols);
                var r5 = Avx.LoadVector256(src + 5 * cols);
                var r6 = Avx.LoadVector256(src + 6 * cols);
                var r7 = Avx.LoadVector256(src + 7 * cols);
                var t0 = Avx.UnpackLow(r0, r1);
                var t1 = Avx.UnpackHigh(r0, r1);
                var t2 = Avx.UnpackLow(r2, r3);
                var t3 = Avx.UnpackHigh(r2, r3);
                var t4 = Avx.UnpackLow(r4, r5);
                var t5 = Avx.UnpackHigh(r4, r5);
                var t6 = Avx.UnpackLow(r6, r7);
                var t7 = Avx.UnpackHigh(r6, r7);
                var s0 = Avx.Shuffle(t0, t2, 0x44);
                var s1 = Avx.Shuffle(t0, t2, 0xEE);
                var s2 = Avx.Shuffle(t1, t3, 0x44);
                var s3 = Avx.Shuffle(t1, t3, 0xEE);
                var s4 = Avx.Shuffle(t4, t6, 0x44);
                var s5 = Avx.Shuffle(t4, t6, 0xEE);
                var s6 = Avx.Shuffle(t5, t7, 0x44);
                var s7 = Avx.Shuffle(t5, t7, 0xEE);
                var dst = t + p * rows + o;
                Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
                Avx.Store(dst + rows, Avx.Permute2x128(s1, s5, 0x20));
                Avx.Store(dst + 2 * rows, Avx.Permute2x128(s2, s6, 0x20));
                Avx.Store(dst + 3 * rows, Avx.Permute2x128(s3, s7, 0x20));
                Avx.Store(dst + 4 * rows, Avx.Permute2x128(s0, s4, 0x31));
                Avx.Store(dst + 5 * rows, Avx.Permute2x128(s1, s5, 0x31));
                Avx.Store(dst + 6 * rows, Avx.Permute2x128(s2, s6, 0x31));
                Avx.Store(dst + 7 * rows, Avx.Permute2x128(s3, s7, 0x31));
            }
        }
    }

    /// <summary>
    /// torch.optim.Adam (single-tensor path, torch 1.13): g += wd p; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    /// p -= (lr / bc1) m / (sqrt(v) / sqrt(bc2) + eps). The vector path multiplies by 1 / sqrt(bc2) instead of
    /// dividing (one division and one square root per parameter are the step's cost; the difference is an ulp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Adam(KernelPath path, float* p, float* g, float* m, float* v, int length, float beta1, float beta2,
        float stepSize, float bc2Sqrt, float eps, float weightDecay)
    {
        float oneMinusB1 = 1f - beta1, oneMinusB2 = 1f - beta2;
        var i = 0;
        if (path == KernelPath.Vector)
        {
            var w = Vector<float>.Count;
            var decay = weightDecay != 0f;
            for (; i + w <= length; i += w)
            {
                var pv = VLoad(p + i);
                var gv = VLoad(g + i);
                if (decay) gv += weightDecay * pv;
                var mv = VLoad(m + i) * beta1 + gv * oneMinusB1;
                var vv = VLoad(v + i) * beta2 + gv * gv * oneMinusB2;
                Unsafe.WriteUnaligned(m + i, mv);
                Unsafe.WriteUnaligned(v + i, vv);
                Unsafe.WriteUnaligned(p + i, pv - stepSize * (mv / (Vector.SquareRoot(vv) / bc2Sqrt + new Vector<float>(eps))));
            }
        }
        if (path == KernelPath.Intrinsics)
        {
            var vb1 = Vector256.Create(beta1);
            var vb2 = Vector256.Create(beta2);
            var v1b1 = Vector256.Create(oneMinusB1);
            var v1b2 = Vector256.Create(oneMinusB2);
            var vstep = Vector256.Create(stepSize);
            var vbc2 = Vector256.Create(1f / bc2Sqrt);
            var veps = Vector256.Create(eps);
            var vwd = Vector256.Create(weightDecay);
            var decay = weightDecay != 0f;
            for (; i + 8 <= length; i += 8)
            {
                var pv = Avx.LoadVector256(p + i);
                var gv = Avx.LoadVector256(g + i);
                if (decay) gv = Fma.MultiplyAdd(pv, vwd, gv);
                var mv = Avx.Add(Avx.Multiply(Avx.LoadVector256(m + i), vb1), Avx.Multiply(gv, v1b1));
                var vv = Avx.Add(Avx.Multiply(Avx.LoadVector256(v + i), vb2), Avx.Multiply(Avx.Multiply(gv, gv), v1b2));
                Avx.Store(m + i, mv);
                Avx.Store(v + i, vv);
                var denom = Fma.MultiplyAdd(Avx.Sqrt(vv), vbc2, veps);
                Avx.Store(p + i, Avx.Subtract(pv, Avx.Multiply(vstep, Avx.Divide(mv, denom))));
            }
        }
        for (; i < length; i++)
        {
            var gi = g[i];
            if (weightDecay != 0f) gi += weightDecay * p[i];
            var mi = m[i] * beta1 + gi * oneMinusB1;
            var vi = v[i] * beta2 + gi * gi * oneMinusB2;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * (mi / (MathF.Sqrt(vi) / bc2Sqrt + eps));
        }
    }

    /// <summary>torch.optim.SGD with momentum (dampening 0, not Nesterov): g += wd p; buf = mu buf + g (buf = g on the first step); p -= lr buf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgd(KernelPath path, float* p, float* g, float* buf, int length, float lr, float momentum, float weightDecay, bool first)
    {
        var mu = first ? 0f : momentum;
        var i = 0;
        if (path == KernelPath.Intrinsics)
        {
            var vmu = Vector256.Create(mu);
            var vlr = Vector256.Create(lr);
            var vwd = Vector256.Create(weightDecay);
            var decay = weightDecay != 0f;
            for (; i + 8 <= length; i += 8)
            {
                var pv = Avx.LoadVector256(p + i);
                var gv = Avx.LoadVector256(g + i);
                if (decay) gv = Fma.MultiplyAdd(pv, vwd, gv);
                var bv = momentum == 0f ? gv : Avx.Add(Avx.Multiply(Avx.LoadVector256(buf + i), vmu), gv);
                Avx.Store(buf + i, bv);
                Avx.Store(p + i, Avx.Subtract(pv, Avx.Multiply(vlr, bv)));
            }
        }
        for (; i < length; i++)
        {
            var gi = g[i];
            if (weightDecay != 0f) gi += weightDecay * p[i];
            var bi = momentum == 0f ? gi : buf[i] * mu + gi;
            buf[i] = bi;
            p[i] -= lr * bi;
        }
    }
}
