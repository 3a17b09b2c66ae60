using System.Text.RegularExpressions;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Core.Specs;

namespace ImbLab.Data.Catalog;

/// <summary>Where a dataset comes from: a file the user named, or the built-in synthetic generator.</summary>
public sealed record DatasetSource(string Display, string? FilePath, SyntheticSpec? Synthetic)
{
    public bool IsSynthetic => Synthetic is not null;
}

/// <summary>Turns the --data arguments into dataset sources: files as given, folders searched recursively.</summary>
public static partial class DatasetCatalog
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
                var files = FolderDatasets(item);
                if (files.Count == 0)
                    throw new UsageException(Settings.Data, $"{item}: the folder holds no dataset file ({string.Join(", ", Extensions)})");
                sources.AddRange(files.Select(f => new DatasetSource(f, f, null)));
            }
            else if (File.Exists(item))
            {
                sources.Add(new DatasetSource(item, item, null));
            }
            else
            {
                throw new UsageException(Settings.Data, $"{item}: no such file or folder (or use 'synthetic')");
            }
        }
        return sources;
    }

    /// <summary>
    /// The datasets in a folder, recursively. Where it holds KEEL or ARFF files, only those count: a folder of KEEL
    /// data also holds manifests and notes (MANIFEST.tsv, README.txt) that parse as tables but are not datasets.
    /// </summary>
    public static IReadOnlyList<string> FolderDatasets(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !IsKeelFoldFile(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var declared = files.Where(f => Path.GetExtension(f).ToLowerInvariant() is ".dat" or ".arff").ToList();
        return declared.Count > 0 ? declared : files;
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
