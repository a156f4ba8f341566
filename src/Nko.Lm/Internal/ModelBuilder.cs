namespace Nko.Lm.Internal;

/// <summary>Steps shared by the ARPA and binary loaders.</summary>
internal static class ModelBuilder
{
    /// <summary>
    /// Sets KenLM's extension flag on every n-gram below the highest order: a zero back-off becomes +0.0 when the
    /// n-gram is the context of a longer n-gram and −0.0 when it is not; a non-zero back-off always extends the state.
    /// The highest order's back-offs are set to 0.
    /// </summary>
    public static void SetExtensions(NgramLevel[] levels)
    {
        for (int n = 0; n < levels.Length; n++)
        {
            NgramSlot[] slots = levels[n].Slots;
            bool top = n == levels.Length - 1;
            bool[]? extended = null;
            if (!top)
            {
                extended = new bool[slots.Length];
                foreach (ref readonly NgramSlot higher in levels[n + 1].Slots.AsSpan())
                {
                    if (higher.Word >= 0)
                    {
                        extended[higher.Context] = true;
                    }
                }
            }

            for (int i = 0; i < slots.Length; i++)
            {
                ref NgramSlot slot = ref slots[i];
                if (slot.Word < 0)
                {
                    continue;
                }

                if (top)
                {
                    slot.Backoff = 0f;
                }
                else if (slot.Backoff == 0f)
                {
                    slot.Backoff = extended![i] ? 0f : -0f;
                }
            }
        }
    }

    /// <summary>The unigram level: one slot per token id.</summary>
    public static NgramLevel CreateUnigrams(ReadOnlySpan<float> probs, ReadOnlySpan<float> backoffs)
    {
        var slots = new NgramSlot[probs.Length];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = new NgramSlot { Context = -1, Word = i, Prob = probs[i], Backoff = backoffs[i] };
        }

        return new NgramLevel(1, slots.Length, slots, new int[slots.Length]);
    }
}
