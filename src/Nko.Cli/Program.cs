using System.CommandLine;
using Nko.Cli.Commands;

var root = new RootCommand("nko: exact, fast correction of N'Ko CTC speech recogniser output.");
// One line per command; each command lives in Commands/<Name>Command.cs.
root.Add(GreedyCommand.Create());
root.Add(ScoreCommand.Create());
root.Add(AsrCommand.Create());
return root.Parse(args).Invoke();
