using Nko.Lm;
using Nko.Lm.Training;

namespace Nko.Ranker.Training;

/// <summary>
/// The language models a training run scores rows with: one on all the LM text (the one the config ships) and one per
/// fold of the text's distinct sentences, trained without that fold. A row whose reference is one of the text's
/// sentences (after normalisation) is scored with the model that never saw it; any other row with the full model.
/// </summary>
internal sealed class CrossFittedLanguageModels
{
    private readonly Dictionary<string, int> _foldOf;

    private CrossFittedLanguageModels(CharLanguageModel full, byte[] fullBytes, CharLanguageModel[] folds, Dictionary<string, int> foldOf, int sentences)
    {
        Full = full;
        FullBytes = fullBytes;
        Folds = folds;
        _foldOf = foldOf;
        Sentences = sentences;
    }

    /// <summary>The model trained on every sentence.</summary>
    public CharLanguageModel Full { get; }

    /// <summary>The full model's binary file bytes (what the config's hash is of).</summary>
    public byte[] FullBytes { get; }

    /// <summary>Model f was trained on every sentence outside fold f.</summary>
    public CharLanguageModel[] Folds { get; }

    /// <summary>Distinct sentences of the LM text.</summary>
    public int Sentences { get; }

    /// <summary>Trains the models: distinct normalised sentences in text order, sentence i in fold i mod <paramref name="folds"/>.</summary>
    public static CrossFittedLanguageModels Train(IEnumerable<string> text, int order, int folds)
    {
        var sentences = new List<string>();
        var foldOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in text)
        {
            string s = Normalise(line);
            if (s.Length > 0 && !foldOf.ContainsKey(s))
            {
                foldOf.Add(s, folds > 1 ? sentences.Count % folds : -1);
                sentences.Add(s);
            }
        }

        if (sentences.Count == 0)
        {
            throw new TrainingDataException("The language-model text has no sentences.");
        }

        CharLanguageModel full = Fit(sentences, order);
        using var bytes = new MemoryStream();
        full.Save(bytes);
        var models = new CharLanguageModel[folds > 1 ? folds : 0];
        for (int f = 0; f < models.Length; f++)
        {
            int fold = f;
            models[f] = Fit(sentences.Where((_, i) => i % folds != fold), order);
        }

        return new CrossFittedLanguageModels(full, bytes.ToArray(), models, foldOf, sentences.Count);
    }

    /// <summary>The fold whose model never saw <paramref name="reference"/>, or −1 (not in the text: the full model).</summary>
    public int FoldOf(string reference) => _foldOf.TryGetValue(Normalise(reference), out int fold) ? fold : -1;

    /// <summary>The model for fold <paramref name="fold"/> (−1: the full model).</summary>
    public CharLanguageModel For(int fold) => fold < 0 ? Full : Folds[fold];

    /// <summary>Collapses runs of white space to one space and trims: the form sentences are matched in.</summary>
    public static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static CharLanguageModel Fit(IEnumerable<string> sentences, int order)
    {
        var arpa = new StringWriter();
        KneserNeyTrainer.TrainText(sentences, arpa, new KneserNeyOptions(order));
        return CharLanguageModel.LoadArpa(new StringReader(arpa.ToString()));
    }
}
