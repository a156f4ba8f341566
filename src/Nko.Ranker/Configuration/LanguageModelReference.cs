using System.Globalization;
using System.Security.Cryptography;

namespace Nko.Ranker.Configuration;

/// <summary>
/// A schema-2 config's reference to its character language model: the file (relative to the config file), the
/// SHA-256 of its bytes (checked at load) and the model's order.
/// </summary>
/// <param name="Path">The LM file, relative to the config file's folder (<c>/</c> separators); binary (<c>Nko.Lm</c>'s format) unless it ends in <c>.arpa</c>.</param>
/// <param name="Sha256">The SHA-256 of the file's bytes, 64 lowercase hexadecimal digits.</param>
/// <param name="Order">The model's n-gram order.</param>
public sealed record LanguageModelReference(string Path, string Sha256, int Order)
{
    /// <summary>The lowercase hexadecimal SHA-256 of <paramref name="bytes"/>.</summary>
    public static string HashOf(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Whether <paramref name="value"/> is 64 lowercase hexadecimal digits.</summary>
    public static bool IsValidHash(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Path} (order {Order}, sha256 {Sha256})");
}
