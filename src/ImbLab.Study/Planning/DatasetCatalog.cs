using System.Text.RegularExpressions;
using ImbLab.Core;
using ImbLab.Data;

namespace ImbLab.Study.Planning;

/// <summary>Where a dataset comes from: a file the user named, or the built-in synthetic generator.</summary>
internal sealed record DatasetSource(string Display, string? FilePath, SyntheticSpec? Synthetic)
{
    public bool IsSynthetic => Synthetic is not null;
}

/// <summary>Turns the --data arguments into dataset sources: files as given, folders searched recursively.</summary>
internal static partial class DatasetCatalog
{
    public static readonly string[] Extensions = [".dat", ".arff", ".csv", ".tsv", ".txt"];

    public static IReadOnlyList<DatasetSource> Resolve(IReadOnlyList<string> data)
    {
        var sources = new List<DatasetSource>();
        foreach (var item in data)
        {
            if (item == StudySpec.SyntheticDefault || item.StartsWith(StudySpec.SyntheticDefault + ":", StringComparison.Ordinal))
            {
                sources.Add(new DatasetSource(item, null, ParseSynthetic(item)));
            }
            else if (Directory.Exists(item))
            {
                var files = Directory.EnumerateFiles(item, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !IsKeelFoldFile(f))
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0)
                    throw new UsageException($"--data: {item}: the folder holds no dataset file ({string.Join(", ", Extensions)})");
                sources.AddRange(files.Select(f => new DatasetSource(f, f, null)));
            }
            else if (File.Exists(item))
            {
                sources.Add(new DatasetSource(item, item, null));
            }
            else
            {
                throw new UsageException($"--data: {item}: no such file or folder (or use 'synthetic')");
            }
        }
        return sources;
    }

    /// <summary>KEEL's partition files (name-5-3tra.dat) belong to their whole file; they are not datasets of their own.</summary>
    public static bool IsKeelFoldFile(string path) => KeelFoldName().IsMatch(Path.GetFileName(path));

    [GeneratedRegex(@"-\d+-\d+(tra|tst)\.dat$", RegexOptions.IgnoreCase)]
    private static partial Regex KeelFoldName();

    private static SyntheticSpec ParseSynthetic(string text)
    {
        var spec = SyntheticSpec.Parse(text);
        spec.ThrowIfInvalid();
        return spec;
    }
}
