using System.CommandLine;
using Nko.Cli.Commands;
using Nko.Cli;

return CliApp.Run(args);

namespace Nko.Cli
{
    /// <summary>The command tree. Tests run it in-process through <see cref="Run(string[], TextWriter, TextWriter)"/>.</summary>
    internal static partial class CliApp
    {
        /// <summary>Builds the root command with every subcommand.</summary>
        internal static RootCommand CreateRoot()
        {
            var root = new RootCommand("nko: exact, fast correction of N'Ko CTC speech recogniser output.");
            // One line per command; each command lives in Commands/<Name>Command.cs.
            root.Add(GreedyCommand.Create());
            root.Add(DecodeCommand.Create());
            root.Add(ScoreCommand.Create());
            root.Add(AsrCommand.Create());
            root.Add(TrainCommand.Create());
            root.Add(CorrectCommand.Create());
            root.Add(EvalCommand.Create());
            root.Add(DemoCommand.Create());
            root.Add(QuantCommand.Create());
            root.Add(QuantGateCommand.Create());
            root.Add(LmCommand.Create());
            root.Add(MelCommand.Create());
            root.Add(CompareCommand.Create());
            root.Add(TranscribeCommand.Create());
            root.Add(DatasetCommand.Create());
            return root;
        }
    }
}
