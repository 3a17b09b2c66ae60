using System.Security.Cryptography;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Core.Specs;
using ImbLab.Data.Encoding;
using ImbLab.Data.Readers;

namespace ImbLab.Data.Catalog;

/// <summary>
/// One train/test partition of a dataset, drawn for one seed index (<see cref="SeedIndex"/>) with its split seed, or
/// shared by every seed index (null: KEEL's own folds, which are files; each comes with its own combined table).
/// </summary>
public sealed record SplitData(RawTable Table, DataSplit Split)
{
    public int? SeedIndex { get; init; }

    /// <summary>The seed the split was drawn with (KEEL's folds: the study's split seed, unused).</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// A dataset read once, with its fixed test sets: the test rows are chosen here, before any protocol. Each seed index
/// draws its own stratified split (or fold assignment) so that intervals across seeds include the test-split
/// variance, which dominates with a handful of minority test rows; every protocol and level of a seed index shares it.
/// </summary>
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

    /// <summary>Every split: KEEL's shared folds, or for each seed index in turn its own split(s).</summary>
    public IReadOnlyList<SplitData> Splits { get; }

    /// <summary>The splits seed index <paramref name="seedIndex"/> trains on, with their positions in <see cref="Splits"/>.</summary>
    public IEnumerable<(int Index, SplitData Split)> SplitsFor(int seedIndex) =>
        Splits.Select((s, i) => (i, s)).Where(t => t.s.SeedIndex is null || t.s.SeedIndex == seedIndex);

    /// <summary>The split seed of seed index <paramref name="seedIndex"/>: derived from the study's split seed and the index.</summary>
    public static ulong SeedOf(ulong splitSeed, int seedIndex) => Rng.Derive(splitSeed, "seed-index", seedIndex);

    public static LoadedDataset Load(DatasetSource source, SplitSpec split, ulong splitSeed, int seeds, ReadOptions options, MissingPolicy missing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
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
                    splits.Add(new SplitData(table, new DataSplit(0, k, train, test)) { Seed = splitSeed });
                }
                fingerprint = DatasetFingerprint.Of([source.FilePath, .. folds.SelectMany(f => new[] { f.Train, f.Test })]);
                break;
            case SplitKind.HoldOut or SplitKind.KFold or SplitKind.RepeatedKFold:
                for (var s = 0; s < seeds; s++)
                {
                    var seed = SeedOf(splitSeed, s);
                    var drawn = split.Kind switch
                    {
                        SplitKind.HoldOut => [Splitter.HoldOut(whole.Labels, split.TestFraction, seed)],
                        SplitKind.KFold => Splitter.StratifiedKFold(whole.Labels, split.Folds, seed),
                        _ => Splitter.RepeatedStratifiedKFold(whole.Labels, split.Folds, split.Repeats, seed),
                    };
                    var index = s;
                    splits.AddRange(drawn.Select(d => new SplitData(whole, d) { SeedIndex = index, Seed = seed }));
                }
                break;
            default:
                throw new UsageException(Settings.Split, $"'{split}' is not supported");
        }
        return new LoadedDataset(source, whole, fingerprint, details, splits);
    }
}
