using System.Globalization;
using System.Text;

namespace Nko.Ranker.Tests.Support;

/// <summary>A canonical one-line form of a <see cref="CorrectionResult"/> (doubles round-trip), for equality checks.</summary>
internal static class ResultText
{
    public static string Format(CorrectionResult r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{r.Mode}|{r.Decision}|{r.Hypothesis}|{r.Text}");
        foreach (AppliedEdit e in r.Edits)
        {
            sb.Append(CultureInfo.InvariantCulture, $"|{e.Round}:{e.Source}:{e.Edit}:{e.Description}:{e.Probability:R}:{e.CtcGain:R}");
        }

        return sb.ToString();
    }
}
