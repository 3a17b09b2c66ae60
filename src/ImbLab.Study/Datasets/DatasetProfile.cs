using ImbLab.Analysis;
using ImbLab.Core;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;

namespace ImbLab.Study.Datasets;

/// <summary>
/// One dataset as the study's dataset table (Mustapha et al., Table A.1) describes it. <see cref="Silhouette"/> is the
/// silhouette coefficient of the whole input space as ImbLab encodes it for training (numeric attributes standardised
/// with the population std, nominal ones one-hot), i.e. scikit-learn's silhouette_score(X, y), Euclidean; null when
/// the file has missing values (there is no encoding of a missing cell without imputation) or fewer than 2 classes.
/// </summary>
public sealed record DatasetProfile(
    string Name,
    string Path,
    string Format,
    int Rows,
    int Attributes,
    int Numeric,
    int Nominal,
    IReadOnlyList<string> NumericAttributes,
    IReadOnlyList<string> NominalAttributes,
    IReadOnlyDictionary<string, int> ClassCounts,
    string Majority,
    string Minority,
    double MajorityPercent,
    double MinorityPercent,
    double ImbalanceRatio,
    int MissingCells,
    int KeelFolds,
    double? Silhouette)
{
    /// <summary>Reads and describes a dataset file; <paramref name="silhouette"/> false skips the O(rows^2) SC.</summary>
    public static DatasetProfile Describe(string path, ReadOptions options, bool silhouette = true, int threads = 0)
    {
        var table = TableReader.Read(path, options);
        var counts = table.ClassCounts();
        var extension = System.IO.Path.GetExtension(path);
        var folds = extension.Equals(".dat", StringComparison.OrdinalIgnoreCase) ? KeelPartitions.Find(path).Count : 0;
        var missing = table.Cells.Count(double.IsNaN);
        var majority = counts.Majority();
        var minority = counts.Minority();
        return new DatasetProfile(
            table.Name,
            path,
            extension.TrimStart('.').ToLowerInvariant(),
            table.Rows,
            table.Attributes.Count,
            table.Attributes.Count(a => a.Kind == AttributeKind.Numeric),
            table.Attributes.Count(a => a.Kind == AttributeKind.Nominal),
            table.Attributes.Where(a => a.Kind == AttributeKind.Numeric).Select(a => a.Name).ToList(),
            table.Attributes.Where(a => a.Kind == AttributeKind.Nominal).Select(a => a.Name).ToList(),
            table.ClassNames.Select((n, c) => (n, c)).ToDictionary(t => t.n, t => counts[t.c]),
            table.ClassNames[majority],
            table.ClassNames[minority],
            100.0 * counts[majority] / table.Rows,
            100.0 * counts[minority] / table.Rows,
            counts.ImbalanceRatio(),
            missing,
            folds,
            silhouette && missing == 0 ? InputSilhouette(table, threads) : null);
    }

    /// <summary>scikit-learn's silhouette_score of the encoded rows (every row; the encoder fitted on all of them).</summary>
    public static double? InputSilhouette(RawTable table, int threads = 0)
    {
        var rows = Enumerable.Range(0, table.Rows).ToArray();
        var encoded = TableEncoder.Fit(table, rows, MissingPolicy.Error).Transform(table, rows);
        var samples = Analysis.Silhouette.Samples(encoded.Features, encoded.Rows, encoded.FeatureCount, encoded.Labels, encoded.ClassCount, threads);
        var mean = Analysis.Silhouette.Summarize(samples, encoded.Labels, encoded.ClassCount).Mean;
        return double.IsFinite(mean) ? mean : null;
    }
}
