using System.CommandLine;

namespace Nko.Cli.Commands;

internal static class ScoreCommand
{
    public static Command Create() => new("score", "(being built)");
}
