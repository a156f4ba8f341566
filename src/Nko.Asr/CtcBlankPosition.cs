namespace Nko.Asr;

/// <summary>Where a model puts the CTC blank among its output classes (the <c>nko.blank</c> metadata value).</summary>
public enum CtcBlankPosition
{
    /// <summary>The blank is class 0 (<c>nko.blank = first</c>).</summary>
    First = 0,

    /// <summary>The blank is the last class (<c>nko.blank = last</c>).</summary>
    Last = 1,
}
