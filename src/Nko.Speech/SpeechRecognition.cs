using Nko.Ctc;

namespace Nko.Speech;

/// <summary>The result of <see cref="SpeechRecognizer.Recognize"/>: the greedy text and the log-probs it was decoded from.</summary>
/// <param name="Hypothesis">The greedy CTC text.</param>
/// <param name="LogProbs">The log-probs the model produced (after the optional quantisation round trip of its input).</param>
public sealed record SpeechRecognition(string Hypothesis, LogProbMatrix LogProbs);
