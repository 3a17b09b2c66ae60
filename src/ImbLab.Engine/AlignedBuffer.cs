using System.Runtime.CompilerServices;

namespace ImbLab.Engine;

/// <summary>
/// A zeroed float buffer on the pinned object heap, 64-byte aligned, so kernels can hold a raw pointer for the
/// buffer's whole life (no pinning per call) and vector loads never split a cache line.
/// </summary>
internal sealed unsafe class AlignedBuffer
{
    private const int AlignFloats = 16;
    private readonly float[] _array;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = GC.AllocateArray<float>(length + AlignFloats, pinned: true);
        var p = (float*)Unsafe.AsPointer(ref _array[0]);
        var misalignment = (int)(((nint)p & 63) / sizeof(float));
        Pointer = p + ((AlignFloats - misalignment) % AlignFloats);
        Length = length;
    }

    public float* Pointer { get; }

    public int Length { get; }

    public Span<float> Span => new(Pointer, Length);
}
