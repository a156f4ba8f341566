using System.CommandLine;
using Nko.Cli.Output;

namespace Nko.Cli.Commands;

/// <summary>
/// <c>nko lm convert --lm FILE --out FILE</c>: writes a model (ARPA or binary) in Nko.Lm's binary form, which loads in
/// milliseconds instead of parsing text. The output is checked before the model is read and written all-or-nothing.
/// </summary>
internal static class LmConvertCommand
{
    public static Command Create()
    {
        Option<string> lm = LmCliOptions.Lm();
        var output = new Option<string>("--out") { Description = "Write the model in Nko.Lm's binary form to this file (e.g. char6.nkolm).", Required = true };
        var command = new Command("convert", "Convert a character n-gram model (ARPA) to Nko.Lm's binary form.")
        {
            lm, output,
        };
        command.SetAction(parseResult => CommandRunner.Run(parseResult, () =>
        {
            string outPath = parseResult.GetRequiredValue(output);
            OutputFile.Check(outPath, "--out");
            LmCliOptions.SaveBinary(LmCliOptions.LoadModel(parseResult.GetRequiredValue(lm)), outPath);
            return 0;
        }));
        return command;
    }
}
