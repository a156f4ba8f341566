using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.Ctc.Internal;

/// <summary>
/// A growable buffer of doubles whose first element sits on a 64-byte boundary (pinned, so the boundary holds), so
/// that vector loads and stores at multiples of four elements never straddle a cache line.
/// </summary>
internal sealed class AlignedDoubles
{
    private double[] _array = [];
    private int _start;
    private int _capacity;

    /// <summary>The most elements one buffer holds (the largest array, less the alignment slack).</summary>
    public const int MaxLength = 0x7FFFFFC7 - 8; // Array.MaxLength

    /// <summary>Elements usable from <see cref="Start"/>.</summary>
    public int Capacity => _capacity;

    /// <summary>The first (aligned) element.</summary>
    public ref double Start => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start);

    /// <summary>The elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) as a span.</summary>
    public Span<double> AsSpan(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)start + (uint)length, (uint)_capacity, nameof(length));
        return _array.AsSpan(_start + start, length);
    }

    /// <summary>Makes room for <paramref name="length"/> elements; the contents are lost when the buffer grows.</summary>
    public void EnsureCapacity(int length)
    {
        if (_capacity >= length)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        int capacity = (int)Math.Clamp(2L * _capacity, length, MaxLength);
        double[] array = GC.AllocateArray<double>(capacity + 8, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0).ToInt64();
        _start = (int)(((64 - (address & 63)) & 63) / sizeof(double));
        _array = array;
        _capacity = capacity;
    }
}
