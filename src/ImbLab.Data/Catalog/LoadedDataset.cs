using System.Security.Cryptography;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Core.Specs;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;

namespace ImbLab.Data.Catalog;

/// <summary>One train/test partition of a dataset. KEEL's own folds each come with their own combined table.</summary>
public sealed record SplitData(RawTable Table, DataSplit Split);

/// <summary>A dataset read once, with its fixed test sets: the test rows are chosen here, before any protocol.</summary>
public sealed class LoadedDataset
{
    private LoadedDataset(DatasetSource source, RawTable whole, string fingerprint, string detailsJson, IReadOnlyList<SplitData> splits)
    {
        Source = source;
        Whole = whole;
        Fingerprint = fingerprint;
        DetailsJson = detailsJson;
        Splits = splits;
    }

    public DatasetSource Source { get; }
    public RawTable Whole { get; }
    public string Name => Whole.Name;
    public string Fingerprint { get; }

    /// <summary>The store's key for the dataset: its name and the start of its fingerprint.</summary>
    public string DatasetId => $"{Name}-{Fingerprint[..12]}";

    /// <summary>Extra facts about the dataset as JSON (for synthetic data: its spec and Bayes error).</summary>
    public string DetailsJson { get; }

    public IReadOnlyList<SplitData> Splits { get; }

    public static LoadedDataset Load(DatasetSource source, SplitSpec split, ulong splitSeed, ReadOptions options, MissingPolicy missing)
    {
        RawTable whole;
        string fingerprint;
        string details = "{}";
        if (source.Synthetic is { } spec)
        {
            var synthetic = SyntheticGenerator.Generate(spec);
            whole = synthetic.Table;
            fingerprint = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(whole.Source)));
            details = JsonSerializer.Serialize(new
            {
                synthetic = spec,
                bayes_error = synthetic.BayesError,
                bayes_error_balanced = synthetic.BayesErrorBalanced,
                bayes_error_standard_error = synthetic.BayesErrorStandardError,
            }, StudySpec.Json);
        }
        else
        {
            whole = TableReader.Read(source.FilePath!, options);
            fingerprint = DatasetFingerprint.Of(source.FilePath!);
        }

        // Missing values are refused (or imputable) up front, so a study never fails halfway through.
        TableEncoder.Fit(whole, Enumerable.Range(0, whole.Rows).ToArray(), missing);

        var splits = new List<SplitData>();
        switch (split.Kind)
        {
            case SplitKind.Keel:
                if (source.FilePath is null)
                    throw new UsageException(Settings.Split, "keel: synthetic data has no KEEL partitions; use holdout or kfold");
                var folds = KeelPartitions.Find(source.FilePath);
                if (folds.Count == 0)
                    throw new UsageException(Settings.Split, $"keel: {source.FilePath}: no KEEL partition files beside it (expected {whole.Name}-5-1tra.dat ... {whole.Name}-5-5tst.dat)");
                for (var k = 0; k < folds.Count; k++)
                {
                    var (table, train, test) = KeelPartitions.LoadFold(folds[k].Train, folds[k].Test, options);
                    TableEncoder.Fit(table, train, missing);
                    splits.Add(new SplitData(table, new DataSplit(0, k, train, test)));
                }
                fingerprint = DatasetFingerprint.Of([source.FilePath, .. folds.SelectMany(f => new[] { f.Train, f.Test })]);
                break;
            case SplitKind.HoldOut:
                splits.Add(new SplitData(whole, Splitter.HoldOut(whole.Labels, split.TestFraction, splitSeed)));
                break;
            case SplitKind.KFold:
                splits.AddRange(Splitter.StratifiedKFold(whole.Labels, split.Folds, splitSeed).Select(s => new SplitData(whole, s)));
                break;
            case SplitKind.RepeatedKFold:
                splits.AddRange(Splitter.RepeatedStratifiedKFold(whole.Labels, split.Folds, split.Repeats, splitSeed).Select(s => new SplitData(whole, s)));
                break;
            default:
                throw new UsageException(Settings.Split, $"'{split}' is not supported");
        }
        return new LoadedDataset(source, whole, fingerprint, details, splits);
    }
}
