using System.Globalization;
using Nko.Asr;

namespace Nko.Asr.CoreML;

/// <summary>A CoreML operation failed; carries the <c>NSError</c>'s domain, code and description.</summary>
public sealed class CoreMLException : AcousticModelException
{
    /// <summary>Creates the exception for a failed <paramref name="operation"/> and its <c>NSError</c>.</summary>
    /// <param name="operation">What was being done, e.g. "loading 'head.mlmodelc'".</param>
    /// <param name="domain">The <c>NSError</c> domain (for example <c>com.apple.CoreML</c>); <see langword="null"/> when CoreML gave no error object.</param>
    /// <param name="code">The <c>NSError</c> code.</param>
    /// <param name="description">The <c>NSError</c>'s localized description.</param>
    public CoreMLException(string operation, string? domain, long code, string? description)
        : base(Format(operation, domain, code, description))
    {
        Operation = operation;
        Domain = domain;
        Code = code;
        Description = description;
    }

    /// <summary>Creates the exception with a message.</summary>
    public CoreMLException(string message)
        : base(message)
    {
        Operation = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public CoreMLException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Operation = message;
    }

    /// <summary>Creates the exception with no message.</summary>
    public CoreMLException()
    {
        Operation = string.Empty;
    }

    /// <summary>What was being done when CoreML failed.</summary>
    public string Operation { get; }

    /// <summary>The <c>NSError</c> domain, or <see langword="null"/> when CoreML returned no error object.</summary>
    public string? Domain { get; }

    /// <summary>The <c>NSError</c> code (0 when there was no error object).</summary>
    public long Code { get; }

    /// <summary>The <c>NSError</c>'s localized description, or <see langword="null"/>.</summary>
    public string? Description { get; }

    private static string Format(string operation, string? domain, long code, string? description) =>
        domain is null
            ? $"CoreML failed {operation} without reporting an error."
            : string.Create(CultureInfo.InvariantCulture, $"CoreML failed {operation}: {description ?? "(no description)"} [{domain} {code}]");
}
