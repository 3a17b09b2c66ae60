using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ImbLab.Core;
using ImbLab.Data;
using ImbLab.Data.Encoding;
using ImbLab.Data.Protocols;
using ImbLab.Data.Readers;
using ImbLab.Core.Specs;
using ImbLab.Data.Catalog;
using ImbLab.Core.Results;

namespace ImbLab.Study.Planning;

/// <summary><paramref name="Nominal"/> is left out of the JSON when not given, so run ids without it stay what they were.</summary>
public sealed record RunDatasetConfig(string Name, string Source, string Fingerprint, string? LabelColumn, bool Impute,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Nominal = null);

public sealed record RunSplitConfig(string Spec, int Repeat, int Fold, ulong Seed);

/// <summary>
/// The full resolved config of one run: stored as JSON with the run, and hashed into its id. Everything that can
/// change a run's numbers is in here; nothing else is. <paramref name="Remedy"/> is the remedy's canonical text, null
/// (left out of the JSON) for none, so the runs of studies without remedies keep their ids.
/// </summary>
public sealed record RunConfig(
    string StudyId,
    RunDatasetConfig Dataset,
    RunSplitConfig Split,
    string Protocol,
    string Level,
    double? RequestedIr,
    int TargetMinority,
    int TargetMajority,
    int SeedIndex,
    long Seed,
    ModelSpec Model,
    bool RecordSamples,
    DiagnosticsSpec Diagnostics,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Remedy = null);

/// <summary>One run to do, with what the runner needs to build it.</summary>
public sealed record PlannedRun(
    string RunId,
    string ConfigJson,
    string ConfigHash,
    RunConfig Config,
    LoadedDataset Dataset,
    int SplitIndex,
    IImbalanceProtocol Protocol,
    ImbalanceTarget Target,
    int MinorityClass,
    int[] SplitTrainCounts)
{
    /// <summary>The run's remedy (none unless the study lists others).</summary>
    public Remedy Remedy { get; init; } = Remedy.None;
}

/// <summary>A dataset x protocol the data cannot serve (its first infeasible split), with the reason.</summary>
public sealed record InfeasibleRequest(string Dataset, string Source, string Protocol, string Message);

/// <summary>Expands a study spec into its runs, after loading every dataset and checking every request is feasible.</summary>
public sealed class StudyPlan
{
    private StudyPlan(string studyId, StudySpec spec, IReadOnlyList<LoadedDataset> datasets, IReadOnlyList<string> datasetEntries,
        IReadOnlyList<PlannedRun> runs)
    {
        StudyId = studyId;
        Spec = spec;
        Datasets = datasets;
        DatasetEntries = datasetEntries;
        Runs = runs;
    }

    public string StudyId { get; }
    public StudySpec Spec { get; }
    public IReadOnlyList<LoadedDataset> Datasets { get; }

    /// <summary>
    /// The data entry each dataset (same index as <see cref="Datasets"/>) comes from, as <see cref="StudySpec.Data"/> has it:
    /// <c>Spec.IrsFor(entry)</c> are the ratios it is planned with.
    /// </summary>
    public IReadOnlyList<string> DatasetEntries { get; }

    public IReadOnlyList<PlannedRun> Runs { get; }

    /// <summary>The same study with only some of its runs (a shard): ids, spec and datasets unchanged.</summary>
    internal StudyPlan WithRuns(IReadOnlyList<PlannedRun> runs) => new(StudyId, Spec, Datasets, DatasetEntries, runs);

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>The plan of <paramref name="spec"/>; the first infeasible request throws.</summary>
    public static StudyPlan Create(StudySpec spec, CancellationToken cancellationToken = default) => Build(spec, null, cancellationToken);

    /// <summary>
    /// The plan of the requests the data can meet: each infeasible dataset x protocol is added to
    /// <paramref name="infeasible"/> (once) and planning goes on without its runs.
    /// </summary>
    public static StudyPlan Create(StudySpec spec, ICollection<InfeasibleRequest> infeasible, CancellationToken cancellationToken = default) =>
        Build(spec, infeasible, cancellationToken);

    private static StudyPlan Build(StudySpec spec, ICollection<InfeasibleRequest>? infeasible, CancellationToken cancellationToken)
    {
        spec.Validate();
        // Canonical texts in the stored spec too, so "cb" and "cb:beta=0.999" are one study as they are the same runs.
        var remedies = RemedyCatalog.ParseLevels(spec.Remedies);
        // Presented signals take every training row once per epoch from its batch; these remedies change what a batch holds.
        if (spec.RecordSamples && spec.Diagnostics.DynamicsFrom == DynamicsSource.Training
            && remedies.SelectMany(r => r.Parts).FirstOrDefault(p => p.Kind.Roles.Any(role => role is RemedyRole.Data or RemedyRole.Batches or RemedyRole.Mixing or RemedyRole.SecondStage)) is { } changes)
            throw new UsageException(Settings.DynamicsFrom, $"training records each training row as presented once per epoch, but remedy {changes.Name} changes which rows a batch presents; " +
                "accepted: eval with this remedy");
        spec = spec with { Remedies = [.. remedies.Select(r => r.Canonical)] };
        var protocols = spec.Protocols.Select(ImbalanceProtocols.Parse).Distinct().ToList();
        if (protocols.Contains(ImbalanceProtocols.Grid) && spec.Grid.Count == 0)
            throw new UsageException(Settings.Grid, "protocol grid needs cells (minority x majority counts), e.g. 10x100,20x100,20x200");
        var split = SplitSpec.Parse(spec.Split);
        var studyJson = spec.ToJson();
        // Runs of a study made when every seed index shared one split must not be resumed as runs of this design:
        // the id says which design made them (KEEL's folds are files, shared as before).
        var studyId = Hash(split.Kind == SplitKind.Keel ? studyJson : studyJson + "\nsplit: per seed index")[..16];
        var splitSeed = Rng.Derive((ulong)spec.Seed, "split");
        var options = new ReadOptions(spec.LabelColumn, NominalColumns: spec.Nominal);
        var missing = spec.Impute ? MissingPolicy.Impute : MissingPolicy.Error;
        var cells = spec.Grid.Select(c => (c.Minority, c.Majority)).ToList();

        var datasets = new List<LoadedDataset>();
        var datasetEntries = new List<string>();
        var runs = new List<PlannedRun>();
        // Entry by entry, so each dataset gets its entry's own irs (a folder's datasets all get the folder's); all resolved
        // before any is loaded, so a missing file fails at once.
        var sources = spec.Data.SelectMany(entry => DatasetCatalog.Resolve([entry]).Select(source => (entry, source))).ToList();
        foreach (var (entry, source) in sources)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var levels = new ImbalanceLevels(spec.IrsFor(entry), cells);
            var dataset = LoadedDataset.Load(source, split, splitSeed, spec.Seeds, options, missing);
            datasets.Add(dataset);
            datasetEntries.Add(entry);
            var datasetConfig = new RunDatasetConfig(dataset.Name, source.Display, dataset.Fingerprint, spec.LabelColumn, spec.Impute, spec.Nominal);
            for (var s = 0; s < dataset.Splits.Count; s++)
            {
                var (table, dataSplit) = dataset.Splits[s];
                var splitSeedIndex = dataset.Splits[s].SeedIndex;
                var trainCounts = new int[table.ClassNames.Count];
                foreach (var row in dataSplit.TrainRows) trainCounts[table.Labels[row]]++;
                var minority = trainCounts.Minority();
                var splitConfig = new RunSplitConfig(split.ToString(), dataSplit.Repeat, dataSplit.Fold, dataset.Splits[s].Seed);
                foreach (var protocol in protocols)
                {
                    IReadOnlyList<ImbalanceTarget> targets;
                    try
                    {
                        targets = protocol.Plan(trainCounts, levels);
                    }
                    catch (InfeasibleException e)
                    {
                        var fold = splitSeedIndex is { } si
                            ? $" (seed index {si}'s split{(split.Kind == SplitKind.HoldOut ? "" : $", repeat {dataSplit.Repeat}, fold {dataSplit.Fold}")})"
                            : dataset.Splits.Count > 1 ? $" (split repeat {dataSplit.Repeat}, fold {dataSplit.Fold})" : "";
                        var problem = new InfeasibleException($"{source.Display}{fold}: {e.Template}");
                        if (infeasible is null) throw problem;
                        if (!infeasible.Any(i => i.Source == source.Display && i.Protocol == protocol.Name))
                            infeasible.Add(new InfeasibleRequest(dataset.Name, source.Display, protocol.Name, problem.Template));
                        continue;
                    }
                    foreach (var target in targets)
                    {
                        foreach (var remedy in remedies)
                        {
                            // SMOTE needs k + 1 rows of every class it over-samples: refused before anything trains.
                            if (remedy.Part("smote") is { } smote
                                && ImbLab.Data.Resampling.Resampling.SmoteProblem(SmoteCounts(target, remedy), (int)smote.Value("k")) is { } why)
                            {
                                var problem = new InfeasibleException($"{source.Display} ({target.Level}, remedy {remedy.Canonical}): {why}");
                                if (infeasible is null) throw problem;
                                var request = $"{protocol.Name}, remedy {remedy.Canonical}";
                                if (!infeasible.Any(i => i.Source == source.Display && i.Protocol == request))
                                    infeasible.Add(new InfeasibleRequest(dataset.Name, source.Display, request, problem.Template));
                                continue;
                            }
                            for (var seedIndex = 0; seedIndex < spec.Seeds; seedIndex++)
                            {
                                // A seed index trains on its own split(s) only; KEEL's shared folds serve every seed index.
                                if (splitSeedIndex is { } own && own != seedIndex) continue;
                                // The run seed does not depend on the remedy: runs that differ only in remedy share their split,
                                // subsample, initial weights and batch order (a paired design).
                                var config = new RunConfig(studyId, datasetConfig, splitConfig, protocol.Name, target.Level,
                                    target.RequestedIr, target.MinorityCount, target.MajorityCount, seedIndex, spec.Seed + (long)seedIndex,
                                    spec.Model, spec.RecordSamples, spec.Diagnostics, remedy.IsNone ? null : remedy.Canonical);
                                var json = JsonSerializer.Serialize(config, StudySpec.Json);
                                var hash = Hash(json);
                                runs.Add(new PlannedRun(hash[..20], json, hash, config, dataset, s, protocol, target, minority, trainCounts) { Remedy = remedy });
                            }
                        }
                    }
                }
            }
        }
        return new StudyPlan(studyId, spec, datasets, datasetEntries, runs);
    }

    /// <summary>The class counts SMOTE will see: the target's, less a validation split carved as <see cref="Remedies.ValidationSplit"/> does.</summary>
    private static int[] SmoteCounts(ImbalanceTarget target, Remedy remedy)
    {
        int Left(int n) => remedy.In(RemedyRole.Validation) is { } v && n >= 2
            ? n - Math.Clamp((int)Math.Round(n * v.Value("val"), MidpointRounding.AwayFromZero), 1, n - 1)
            : n;
        return [Left(target.MinorityCount), Left(target.MajorityCount)];
    }
}
