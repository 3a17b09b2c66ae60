using System.Security.Cryptography;
using ImbLab.Core;

namespace ImbLab.Data.Readers;

/// <summary>Identifies a dataset by content, so results stay tied to the exact bytes they were computed from.</summary>
internal static class DatasetFingerprint
{
    /// <summary>Lower-case hex SHA-256 over the bytes of <paramref name="files"/>, concatenated in the given order.</summary>
    public static string Of(params string[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
            hash.AppendData(TextFile.ReadBytes(file));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
