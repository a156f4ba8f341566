using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nko.Lm.Internal;

/// <summary>
/// The n-grams of one order. Order 1 is a dense array indexed by token id. Orders ≥ 2 are an open-addressing hash
/// table (linear probing) keyed by (context slot, last token); an n-gram's slot is its identity, and
/// <see cref="Suffix"/> holds the slot of its suffix (the n-gram without its first token) in the level below.
/// </summary>
internal sealed class NgramLevel
{
    /// <summary>Table slots per n-gram at orders ≥ 2 (load factor 2/3, as KenLM's probing default of 1.5).</summary>
    public const double SpaceMultiplier = 1.5;

    private const ulong HashMultiplier = 0x9E3779B97F4A7C15UL;

    public NgramLevel(int order, int count, NgramSlot[] slots, int[] suffix)
    {
        Order = order;
        Count = count;
        Slots = slots;
        Suffix = suffix;
    }

    /// <summary>The n-gram order of this level.</summary>
    public int Order { get; }

    /// <summary>How many n-grams the level holds.</summary>
    public int Count { get; }

    /// <summary>Order 1: one per token id. Orders ≥ 2: the hash table (its length is the capacity).</summary>
    public NgramSlot[] Slots { get; }

    /// <summary>Per slot: the slot of the n-gram's suffix in the level below (0, the empty context, at order 1).</summary>
    public int[] Suffix { get; }

    /// <summary>Bytes held by this level's arrays.</summary>
    public long Bytes => (long)Slots.Length * Unsafe.SizeOf<NgramSlot>() + (long)Suffix.Length * sizeof(int);

    /// <summary>The capacity of a level of <paramref name="count"/> n-grams (always at least one empty slot).</summary>
    public static int CapacityFor(int count) => checked((int)Math.Min(Array.MaxLength, (long)Math.Ceiling(count * SpaceMultiplier) + 1));

    /// <summary>Creates an empty hashed level of order ≥ 2.</summary>
    public static NgramLevel CreateHashed(int order, int count)
    {
        int capacity = CapacityFor(count);
        var slots = new NgramSlot[capacity];
        slots.AsSpan().Fill(new NgramSlot { Context = -1, Word = -1 });
        return new NgramLevel(order, count, slots, new int[capacity]);
    }

    /// <summary>The home slot of a key in a table of <paramref name="capacity"/> slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Home(int context, int word, int capacity)
    {
        ulong key = (uint)context | ((ulong)(uint)word << 32);
        return (int)Math.BigMul(key * HashMultiplier, (ulong)capacity, out _);
    }

    /// <summary>The slot of n-gram (context, word), or −1. Orders ≥ 2 only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int context, int word)
    {
        NgramSlot[] slots = Slots;
        int capacity = slots.Length;
        int i = Home(context, word, capacity);
        ref NgramSlot first = ref MemoryMarshal.GetArrayDataReference(slots);
        if (BitConverter.IsLittleEndian)
        {
            ulong key = (uint)context | ((ulong)(uint)word << 32);
            while (true)
            {
                ulong found = Unsafe.As<NgramSlot, ulong>(ref Unsafe.Add(ref first, i));
                if (found == key)
                {
                    return i;
                }

                if (found == ulong.MaxValue)
                {
                    return -1;
                }

                if (++i == capacity)
                {
                    i = 0;
                }
            }
        }

        while (true)
        {
            ref NgramSlot slot = ref Unsafe.Add(ref first, i);
            if (slot.Context == context && slot.Word == word)
            {
                return i;
            }

            if (slot.Word < 0)
            {
                return -1;
            }

            if (++i == capacity)
            {
                i = 0;
            }
        }
    }

    /// <summary>Inserts (context, word); returns its slot, or −1 if it is already present. Orders ≥ 2 only.</summary>
    public int Insert(int context, int word, float prob, float backoff, int suffix)
    {
        int capacity = Slots.Length;
        int i = Home(context, word, capacity);
        while (true)
        {
            ref NgramSlot slot = ref Slots[i];
            if (slot.Word < 0)
            {
                slot = new NgramSlot { Context = context, Word = word, Prob = prob, Backoff = backoff };
                Suffix[i] = suffix;
                return i;
            }

            if (slot.Context == context && slot.Word == word)
            {
                return -1;
            }

            if (++i == capacity)
            {
                i = 0;
            }
        }
    }

    /// <summary>Whether an n-gram with this stored back-off extends the state (KenLM's <c>HasExtension</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasExtension(float backoff) => BitConverter.SingleToInt32Bits(backoff) != int.MinValue;
}
