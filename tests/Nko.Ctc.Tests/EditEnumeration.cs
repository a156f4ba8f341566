using Nko.Ctc;

namespace Nko.Ctc.Tests;

internal static class EditEnumeration
{
    /// <summary>Every substitution, insertion and deletion of a hypothesis of <paramref name="length"/> labels.</summary>
    public static IEnumerable<LabelEdit> All(int length, int classes, int blank)
    {
        for (int i = 0; i <= length; i++)
        {
            for (int c = 0; c < classes; c++)
            {
                if (c == blank)
                {
                    continue;
                }

                if (i < length)
                {
                    yield return LabelEdit.Substitute(i, c);
                }

                yield return LabelEdit.Insert(i, c);
            }

            if (i < length)
            {
                yield return LabelEdit.Delete(i);
            }
        }
    }
}
