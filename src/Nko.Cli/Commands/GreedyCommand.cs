using System.CommandLine;

namespace Nko.Cli.Commands;

internal static class GreedyCommand
{
    public static Command Create() => new("greedy", "(being built)");
}
