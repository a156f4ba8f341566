using System.Buffers;

namespace Nko.Asr.CoreML.Interop;

/// <summary>
/// Memory lent to CoreML as an input <c>MLMultiArray</c> (<c>initWithDataPointer:…deallocator:</c>): the pin, and the
/// pooled buffer it may point into, stay alive until CoreML calls the array's deallocator with the data pointer.
/// </summary>
/// <remarks>
/// The deallocator is one process-wide block (<see cref="ObjCBlock.Deallocator"/>) that receives only the data pointer,
/// so leases are found by pointer. Two live arrays may share a pointer (two models fed the same features at once); pins
/// of the same memory are interchangeable, so the first lease registered for a pointer is released first. A lease whose
/// deallocator has not run when its prediction is over keeps its memory pinned (and its pooled buffer out of the pool)
/// until CoreML lets go: never unpinned under CoreML's feet, at the cost of memory held longer.
/// </remarks>
internal sealed class InputLease
{
    private static readonly Dictionary<nint, Queue<InputLease>> Live = [];
    private static readonly Lock Gate = new();

    private MemoryHandle _pin;
    private object? _rented;
    private int _released;

    private InputLease(nint data, MemoryHandle pin, object? rented)
    {
        Data = data;
        _pin = pin;
        _rented = rented;
    }

    /// <summary>The pinned address CoreML was given.</summary>
    public nint Data { get; }

    /// <summary>Whether the deallocator has run (and the memory was unpinned).</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Leases whose deallocator has not run yet (for tests and diagnostics).</summary>
    public static int Outstanding
    {
        get
        {
            lock (Gate)
            {
                int n = 0;
                foreach (Queue<InputLease> q in Live.Values)
                {
                    n += q.Count;
                }

                return n;
            }
        }
    }

    /// <summary>Takes ownership of <paramref name="pin"/> and of the pooled array <paramref name="rented"/> (float[], Half[], double[] or null).</summary>
    public static unsafe InputLease Register(MemoryHandle pin, object? rented)
    {
        var lease = new InputLease((nint)pin.Pointer, pin, rented);
        lock (Gate)
        {
            if (!Live.TryGetValue(lease.Data, out Queue<InputLease>? queue))
            {
                queue = new Queue<InputLease>(1);
                Live[lease.Data] = queue;
            }

            queue.Enqueue(lease);
        }

        return lease;
    }

    /// <summary>
    /// The deallocator's body: releases the oldest lease of <paramref name="data"/>. Returns whether one was found.
    /// Runs on whatever thread CoreML deallocates the array on; never throws.
    /// </summary>
    public static bool Deallocated(nint data)
    {
        InputLease? lease;
        lock (Gate)
        {
            if (!Live.TryGetValue(data, out Queue<InputLease>? queue) || !queue.TryDequeue(out lease))
            {
                return false;
            }

            if (queue.Count == 0)
            {
                Live.Remove(data);
            }
        }

        lease.Release();
        return true;
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        _pin.Dispose();
        _pin = default;
        switch (Interlocked.Exchange(ref _rented, null))
        {
            case float[] f:
                ArrayPool<float>.Shared.Return(f);
                break;
            case Half[] h:
                ArrayPool<Half>.Shared.Return(h);
                break;
            case double[] d:
                ArrayPool<double>.Shared.Return(d);
                break;
        }
    }
}
