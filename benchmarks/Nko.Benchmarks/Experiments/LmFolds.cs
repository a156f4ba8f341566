using Nko.Lm;
using Nko.Lm.Training;

namespace Nko.Benchmarks.Experiments;

// The trainer's cross-fitting assignment (distinct normalised sentences in text order, sentence i in fold i mod k).
internal sealed class LmFolds
{
    private readonly Dictionary<string, int> _fold = new(StringComparer.Ordinal);
    private readonly CharLanguageModel[] _models;
    private readonly CharLanguageModel _full;

    public LmFolds(string[] text, int order, int k)
    {
        var sentences = new List<string>();
        foreach (string line in text)
        {
            string s = Norm(line);
            if (s.Length > 0 && _fold.TryAdd(s, sentences.Count % k))
            {
                sentences.Add(s);
            }
        }

        _full = Fit(sentences, order);
        _models = [.. Enumerable.Range(0, k).Select(f => Fit(sentences.Where((_, i) => i % k != f), order))];
    }

    public int FoldOf(string reference) => _fold.TryGetValue(Norm(reference), out int f) ? f : -1;

    public CharLanguageModel For(int fold) => fold < 0 ? _full : _models[fold];

    private static CharLanguageModel Fit(IEnumerable<string> sentences, int order)
    {
        var arpa = new StringWriter();
        KneserNeyTrainer.TrainText(sentences, arpa, new KneserNeyOptions(order));
        return CharLanguageModel.LoadArpa(new StringReader(arpa.ToString()));
    }

    internal static string Norm(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
