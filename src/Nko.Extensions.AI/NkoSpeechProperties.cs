namespace Nko.Extensions.AI;

/// <summary>
/// The keys this package reads from <c>SpeechToTextOptions.AdditionalProperties</c> and writes to the
/// <c>AdditionalProperties</c> of its responses and updates.
/// </summary>
public static class NkoSpeechProperties
{
    /// <summary>
    /// Option (a <see cref="string"/>): the operating mode of the correction, e.g. <c>"conservative"</c>; absent or
    /// <see langword="null"/> for the config's default mode. In a response: the mode that was used.
    /// </summary>
    public const string Mode = "nko.mode";

    /// <summary>
    /// Option (a <see cref="bool"/>, or the strings <c>"true"</c>/<c>"false"</c>): whether the recogniser's hypothesis is
    /// corrected (default <see langword="true"/>). With <see langword="false"/> the text is the greedy hypothesis.
    /// </summary>
    public const string Correct = "nko.correct";

    /// <summary>Response (a <see cref="string"/>): the recogniser's greedy hypothesis, windows joined as the text is.</summary>
    public const string Hypothesis = "nko.hypothesis";

    /// <summary>Response (a <see cref="string"/>): <c>"Copy"</c> or <c>"Corrected"</c>; absent when correction was off.</summary>
    public const string Decision = "nko.decision";

    /// <summary>Response (an <see cref="int"/>): the number of edits applied (all windows).</summary>
    public const string EditCount = "nko.edit_count";

    /// <summary>Response (an <see cref="int"/>): the number of audio windows; in an update, the window's 0-based index.</summary>
    public const string Windows = "nko.windows";

    /// <summary>Update (an <see cref="int"/>): the window's 0-based index.</summary>
    public const string WindowIndex = "nko.window";
}
