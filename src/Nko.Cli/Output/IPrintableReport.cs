namespace Nko.Cli.Output;

/// <summary>A command's result that prints as one JSON object or as aligned text (<c>--json</c>).</summary>
internal interface IPrintableReport
{
    /// <summary>Writes the result as one JSON object and a newline.</summary>
    void WriteJson(TextWriter writer);

    /// <summary>Writes the result as a short aligned text report.</summary>
    void WriteText(TextWriter writer);
}
