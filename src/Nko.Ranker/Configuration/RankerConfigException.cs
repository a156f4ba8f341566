namespace Nko.Ranker.Configuration;

/// <summary>Thrown when a ranker config is malformed or inconsistent; <see cref="JsonPath"/> names the first problem.</summary>
public sealed class RankerConfigException : FormatException
{
    /// <summary>Creates the exception for the problem at <paramref name="jsonPath"/>.</summary>
    public RankerConfigException(string jsonPath, string message, Exception? innerException = null)
        : base($"Ranker config {jsonPath}: {message}", innerException)
    {
        JsonPath = jsonPath;
    }

    /// <summary>The JSON path of the problem, e.g. <c>$.stds[3]</c>.</summary>
    public string JsonPath { get; }
}
