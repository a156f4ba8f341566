using Microsoft.Extensions.Options;

namespace Nko.Extensions.AI;

/// <summary>
/// Checks the files one registration's options name exist, that a speech registration names a model unless the app's
/// factory makes it, and that no option names a file a factory replaces (it would be silently ignored).
/// </summary>
internal sealed class NkoFileValidator(string name, string sectionPath, bool needsModel, bool modelFactory = false, bool configFactory = false) : IValidateOptions<NkoOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, NkoOptions options)
    {
        if (!string.Equals(optionsName ?? Options.DefaultName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (configFactory && !string.IsNullOrEmpty(options.Config))
        {
            failures.Add($"{sectionPath}:Config: '{options.Config}' is set, but this registration's ranker config comes from the app's factory; omit one of them.");
        }
        else if (!string.IsNullOrEmpty(options.Config) && !File.Exists(options.Config))
        {
            failures.Add($"{sectionPath}:Config: the ranker config file '{options.Config}' does not exist (resolved to '{Path.GetFullPath(options.Config)}').");
        }

        if (modelFactory)
        {
            if (!string.IsNullOrEmpty(options.Model))
            {
                failures.Add($"{sectionPath}:Model: '{options.Model}' is set, but this registration's acoustic model comes from the app's factory; omit one of them.");
            }

            if (options.ModelThreads is not null)
            {
                failures.Add($"{sectionPath}:ModelThreads: is set, but this registration's acoustic model comes from the app's factory, which chooses its threads; omit it.");
            }
        }
        else if (needsModel)
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
