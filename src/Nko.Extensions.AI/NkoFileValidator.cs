using Microsoft.Extensions.Options;

namespace Nko.Extensions.AI;

/// <summary>Checks the files one registration's options name exist (and that a speech registration names a model).</summary>
internal sealed class NkoFileValidator(string name, string sectionPath, bool needsModel) : IValidateOptions<NkoOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, NkoOptions options)
    {
        if (!string.Equals(optionsName ?? Options.DefaultName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.Config) && !File.Exists(options.Config))
        {
            failures.Add($"{sectionPath}:Config: the ranker config file '{options.Config}' does not exist (resolved to '{Path.GetFullPath(options.Config)}').");
        }

        if (needsModel)
        {
            if (string.IsNullOrEmpty(options.Model))
            {
                failures.Add($"{sectionPath}:Model: the speech registration needs an acoustic model file (ONNX, log-mel in, CTC log-probs out).");
            }
            else if (!File.Exists(options.Model))
            {
                failures.Add($"{sectionPath}:Model: the model file '{options.Model}' does not exist (resolved to '{Path.GetFullPath(options.Model)}').");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
