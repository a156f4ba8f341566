using System.CommandLine;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko lm train | score | convert</c>: character n-gram language models (Nko.Lm) from the command line.
/// </summary>
internal static class LmCommand
{
    public static Command Create() =>
        new("lm", "Character n-gram language models: train (modified Kneser–Ney, as KenLM's lmplz), score text (as KenLM), convert ARPA to the binary form.")
        {
            LmTrainCommand.Create(),
            LmScoreCommand.Create(),
            LmConvertCommand.Create(),
        };
}
