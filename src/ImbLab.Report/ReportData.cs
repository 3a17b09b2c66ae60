using System.Globalization;
using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Report;

/// <summary>The runs of one dataset, protocol and imbalance level (the seeds, folds and repeats of one condition).</summary>
internal sealed record RunGroup(DatasetRow Dataset, string Protocol, string Level, double Ir, IReadOnlyList<RunRow> Runs)
{
    public string LevelLabel => Level.StartsWith("ir=", StringComparison.Ordinal) ? "IR " + Level[3..] : Level;

    public ClassRole Role(int cls) => Runs.Count > 0 && cls == Runs[0].MinorityClass ? ClassRole.Minority : ClassRole.Majority;

    public int Minority => Runs.Count > 0 ? Runs[0].MinorityClass : 0;

    public string ClassName(int cls) => cls < Dataset.ClassNames.Count ? Dataset.ClassNames[cls] : cls.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A metric's curve across the runs of a group: per checkpoint epoch, the mean and its interval.</summary>
internal sealed record Curve(double[] Epochs, double[] Mean, double[] Low, double[] High);

/// <summary>The metrics of a group's runs, loaded once, summarised on request.</summary>
internal sealed class GroupMetrics
{
    // (split, class, metric) -> per run: epoch -> value
    private readonly Dictionary<(string Split, int? Class, string Metric), List<SortedList<double, double>>> _series = [];

    public GroupMetrics(ReportStudy study, RunGroup group)
    {
        foreach (var run in group.Runs)
        {
            var perRun = new Dictionary<(string, int?, string), SortedList<double, double>>();
            foreach (var m in study.Data(run.RunId).Metrics)
            {
                var key = (m.Split, m.Class, m.Metric);
                if (!perRun.TryGetValue(key, out var s)) perRun[key] = s = [];
                s[m.Epoch] = m.Value;
            }
            foreach (var (key, s) in perRun)
            {
                if (!_series.TryGetValue(key, out var list)) _series[key] = list = [];
                list.Add(s);
            }
        }
    }

    public IEnumerable<string> MetricNames(bool perClass) => _series.Keys.Where(k => k.Class.HasValue == perClass).Select(k => k.Metric).Distinct();

    public IReadOnlyList<SortedList<double, double>> Runs(string split, int? cls, string metric) =>
        _series.TryGetValue((split, cls, metric), out var list) ? list : [];

    /// <summary>Mean and interval across runs at each epoch selected by <paramref name="keep"/>, decimated to at most maxPoints.</summary>
    public Curve? Summarise(string split, int? cls, string metric, Func<double, bool> keep, int maxPoints)
    {
        var runs = Runs(split, cls, metric);
        if (runs.Count == 0) return null;
        var epochs = runs.SelectMany(r => r.Keys).Where(keep).Distinct().Order().ToArray();
        if (epochs.Length == 0) return null;
        epochs = Decimate(epochs, maxPoints);
        var stats = epochs.Select(e => ReportStats.MeanRange(runs.Select(r => r.TryGetValue(e, out var v) ? v : double.NaN))).ToArray();
        return new Curve(epochs, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.Low).ToArray(), stats.Select(s => s.High).ToArray());
    }

    /// <summary>Evenly spaced picks that always keep the first and the last point (long curves stay light in SVG).</summary>
    public static double[] Decimate(double[] xs, int maxPoints)
    {
        if (xs.Length <= maxPoints) return xs;
        return Enumerable.Range(0, maxPoints).Select(i => (int)Math.Round(i * (xs.Length - 1) / (double)(maxPoints - 1))).Distinct().Select(i => xs[i]).ToArray();
    }
}

/// <summary>A study as the report reads it from the store.</summary>
internal sealed class ReportStudy
{
    public required string StudyId { get; init; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; init; }
    public required string Version { get; init; }
    public required string ConfigJson { get; init; }
    public required IReadOnlyList<RunRow> Runs { get; init; }
    public required IReadOnlyList<DatasetRow> Datasets { get; init; }
    public required IReadOnlyList<RunGroup> Groups { get; init; }
    public required IReadOnlyList<FindingRow> Findings { get; init; }
    public int EarlyEpochs { get; init; }
    public required IRunSamples Samples { get; init; }
    private IReadOnlyDictionary<string, RunData> RunData { get; init; } = new Dictionary<string, RunData>();

    /// <summary>Everything a run recorded but its per-sample arrays (those come from <see cref="Samples"/>).</summary>
    public RunData Data(string runId) => RunData[runId];

    public static ReportStudy From(StudyData data, IReadOnlyList<FindingRow> findings)
    {
        var study = data.Study;
        var runs = data.Runs.Select(r => r.Run).ToList();
        var datasets = data.Datasets.ToList();
        var byId = datasets.ToDictionary(d => d.DatasetId, StringComparer.Ordinal);
        var groups = runs.GroupBy(r => (r.DatasetId, r.Protocol, r.Level))
            .Select(g => new RunGroup(byId[g.Key.DatasetId], g.Key.Protocol, g.Key.Level,
                g.First().RequestedIr ?? g.Average(r => r.RealisedIr ?? double.NaN), g.OrderBy(r => r.SeedIndex).ThenBy(r => r.SplitRepeat).ThenBy(r => r.SplitFold).ToList()))
            .OrderBy(g => g.Dataset.Name, StringComparer.Ordinal).ThenBy(g => g.Protocol, StringComparer.Ordinal).ThenBy(g => g.Ir)
            .ToList();
        return new ReportStudy
        {
            StudyId = study.StudyId,
            CreatedAt = study.CreatedAt,
            UpdatedAt = study.UpdatedAt,
            Version = study.Version,
            ConfigJson = study.ConfigJson,
            Runs = runs,
            Datasets = datasets,
            Groups = groups,
            Findings = findings,
            EarlyEpochs = ReadEarlyEpochs(study.ConfigJson),
            Samples = data.Samples,
            RunData = data.Runs.ToDictionary(r => r.Run.RunId, StringComparer.Ordinal),
        };
    }

    public string Name => TryGet(ConfigJson, "name") ?? "study";

    public IReadOnlyList<long> Seeds => Runs.Select(r => r.Seed).Distinct().Order().ToList();

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string PrettyJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static int ReadEarlyEpochs(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("early_epochs", out var e) && e.TryGetInt32(out var n))
                return n;
        }
        catch (JsonException)
        {
        }
        return 2;
    }

    private static string? TryGet(string json, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
