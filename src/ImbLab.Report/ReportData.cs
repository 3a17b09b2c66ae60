using System.Globalization;
using System.Text.Json;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;

namespace ImbLab.Report;

/// <summary>The runs of one dataset, protocol and imbalance level (the seeds, folds and repeats of one condition).</summary>
internal sealed record RunGroup(DatasetRow Dataset, string Protocol, string Level, double Ir, IReadOnlyList<RunView> Runs)
{
    /// <summary>The runs' remedy ("none" for plain training).</summary>
    public string Remedy { get; init; } = "none";

    /// <summary>The runs' protocol as the study names it (<see cref="Protocol"/> also names a remedy other than none).</summary>
    public string PlainProtocol { get; init; } = "";

    public string LevelLabel => Level.StartsWith("ir=", StringComparison.Ordinal) ? "IR " + Level[3..] : Level;

    public ClassRole Role(int cls) => Runs.Count > 0 && cls == Runs[0].Minority ? ClassRole.Minority : ClassRole.Majority;

    public int Minority => Runs.Count > 0 ? Runs[0].Minority : 0;

    public string ClassName(int cls) => cls < Dataset.ClassNames.Count ? Dataset.ClassNames[cls] : cls.ToString(CultureInfo.InvariantCulture);

    /// <summary>How legends name a class: by its role, or by its name when it is neither the minority nor the majority.</summary>
    public string ClassLabel(int cls) => Runs.Count == 0 ? ClassName(cls)
        : cls == Runs[0].Minority ? "minority" : cls == Runs[0].Majority ? "majority" : ClassName(cls);

    /// <summary>The classes, minority first.</summary>
    public IEnumerable<int> Classes => Enumerable.Range(0, Dataset.ClassNames.Count).OrderBy(c => Role(c) == ClassRole.Minority ? 0 : 1);
}

/// <summary>A metric's curve across the runs of a group: per checkpoint epoch, the mean and its range.</summary>
internal sealed record Curve(double[] Epochs, double[] Mean, double[] Low, double[] High)
{
    /// <summary>The curve as a line of a chart, its points thinned evenly along the chart's epoch axis.</summary>
    public LineSeries Line(string label, ScottPlot.Color color, bool dashed, Axis x, int maxPoints)
    {
        var keep = Scales.Spread(Epochs, x, maxPoints);
        return new LineSeries(label, color, dashed, [.. keep.Select(i => Epochs[i])], [.. keep.Select(i => Mean[i])], [.. keep.Select(i => Low[i])], [.. keep.Select(i => High[i])]);
    }
}

/// <summary>The metrics of a group's runs at every checkpoint (the early log-spaced ones included), summarised on request.</summary>
internal sealed class GroupMetrics
{
    // (split, class, metric) -> per run: epoch -> value
    private readonly Dictionary<(string Split, int? Class, string Metric), List<SortedList<double, double>>> _series = [];

    public GroupMetrics(RunGroup group)
    {
        foreach (var run in group.Runs)
        {
            var perRun = new Dictionary<(string, int?, string), SortedList<double, double>>();
            foreach (var m in run.Data.Metrics)
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

    public bool Has(string split, int? cls, string metric) => _series.ContainsKey((split, cls, metric));

    /// <summary>Mean and range across runs at every checkpoint any run recorded.</summary>
    public Curve? Summarise(string split, int? cls, string metric)
    {
        if (!_series.TryGetValue((split, cls, metric), out var runs)) return null;
        var epochs = runs.SelectMany(r => r.Keys).Distinct().Order().ToArray();
        var stats = epochs.Select(e => ReportStats.MeanRange(runs.Select(r => r.TryGetValue(e, out var v) ? v : double.NaN))).ToArray();
        return new Curve(epochs, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.Low).ToArray(), stats.Select(s => s.High).ToArray());
    }
}

/// <summary>A study as the report model reads it: its runs grouped by condition, with what the study config says.</summary>
internal sealed class ReportInputs
{
    private ReportInputs(StudyData data, IReadOnlyList<RunGroup> groups)
    {
        Data = data;
        Groups = groups;
        Name = TryGet(data.Study.ConfigJson, "name") ?? "study";
        EarlyEpochs = ReadEarlyEpochs(data.Study.ConfigJson);
    }

    public StudyData Data { get; }

    private readonly Dictionary<RunGroup, GroupMetrics> _metrics = new(ReferenceEqualityComparer.Instance);

    /// <summary>A group's metrics, indexed once however many figures draw them.</summary>
    public GroupMetrics Metrics(RunGroup group)
    {
        if (!_metrics.TryGetValue(group, out var m)) _metrics[group] = m = new GroupMetrics(group);
        return m;
    }

    /// <summary>The conditions, by dataset name, protocol and IR.</summary>
    public IReadOnlyList<RunGroup> Groups { get; }

    public string Name { get; }

    /// <summary>How many epochs the early log-spaced checkpoints span (model.early_epochs; 2 when not stated).</summary>
    public int EarlyEpochs { get; }

    public static ReportInputs From(StudyData data)
    {
        var byId = data.Datasets.ToDictionary(d => d.DatasetId, StringComparer.Ordinal);
        // Until the report knows remedies, a remedy other than none is a condition of its own, named with its protocol
        // ("subsample-minority, remedy focal:gamma=2"), so no figure or table pools runs of different remedies.
        var groups = data.Runs.Select(r => RunView.Of(data, r)).GroupBy(v => (v.Run.DatasetId, v.Run.Protocol, v.Run.Level, v.Run.Remedy))
            .Select(g => new RunGroup(byId[g.Key.DatasetId], g.Key.Remedy == "none" ? g.Key.Protocol : $"{g.Key.Protocol}, remedy {g.Key.Remedy}", g.Key.Level,
                g.First().Run.RequestedIr ?? g.Average(v => v.Run.RealisedIr ?? double.NaN),
                g.OrderBy(v => v.Run.SeedIndex).ThenBy(v => v.Run.SplitRepeat).ThenBy(v => v.Run.SplitFold).ToList()) { Remedy = g.Key.Remedy, PlainProtocol = g.Key.Protocol })
            .OrderBy(g => g.Dataset.Name, StringComparer.Ordinal).ThenBy(g => g.Protocol, StringComparer.Ordinal).ThenBy(g => g.Ir)
            .ToList();
        return new ReportInputs(data, groups);
    }

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
