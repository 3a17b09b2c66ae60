using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Analysis.Findings;

/// <summary>
/// One finished run's epoch-end metrics as series over epochs 0..E (the early log-spaced checkpoints inside an epoch
/// are left out: every analysis here is per epoch). A value missing at an epoch is NaN.
/// </summary>
public sealed class RunView
{
    private readonly Dictionary<(string Split, int? Class, string Metric), double[]> _series;

    private RunView(RunData data, IRunSamples samples, string dataset, int epochs, Dictionary<(string, int?, string), double[]> series)
    {
        Data = data;
        Samples = samples;
        Run = data.Run;
        Dataset = dataset;
        Epochs = epochs;
        _series = series;
        Minority = Run.MinorityClass;
        Majority = Run.MajorityClass;
    }

    /// <summary>Everything the run recorded but its per-sample arrays.</summary>
    public RunData Data { get; }

    /// <summary>Where the run's per-sample arrays are read from.</summary>
    public IRunSamples Samples { get; }

    public RunRow Run { get; }
    public string Dataset { get; }

    /// <summary>The last epoch, E.</summary>
    public int Epochs { get; }

    public int Minority { get; }
    public int Majority { get; }
    public int Classes => Run.TrainCounts.Count;
    public double RealisedIr => Run.RealisedIr ?? double.NaN;

    public static RunView Of(StudyData study, RunData run) => Of(run, study.Samples, study.DatasetName(run.Run.DatasetId));

    public static RunView Of(RunData run, IRunSamples samples, string dataset)
    {
        var byEpoch = new Dictionary<(string, int?, string), SortedDictionary<int, double>>();
        var last = 0;
        foreach (var m in run.Metrics)
        {
            if (!IsEpochEnd(m.Epoch)) continue;
            var e = (int)Math.Round(m.Epoch);
            last = Math.Max(last, e);
            var key = (m.Split, m.Class, m.Metric);
            if (!byEpoch.TryGetValue(key, out var series)) byEpoch[key] = series = [];
            series[e] = m.Value; // metrics stream in step order: the latest step at an epoch wins
        }
        var dense = byEpoch.ToDictionary(kv => kv.Key, kv =>
        {
            var a = Enumerable.Repeat(double.NaN, last + 1).ToArray();
            foreach (var (e, v) in kv.Value) a[e] = v;
            return a;
        });
        return new RunView(run, samples, dataset, last, dense);
    }

    public static bool IsEpochEnd(double epoch) => Math.Abs(epoch - Math.Round(epoch)) < 1e-9;

    /// <summary>The series of a metric over epochs 0..E, or null when the run did not record it.</summary>
    public double[]? Series(string split, int? cls, string metric) => _series.GetValueOrDefault((split, cls, metric));

    public double At(string split, int? cls, string metric, int epoch) =>
        Series(split, cls, metric) is { } s && epoch >= 0 && epoch < s.Length ? s[epoch] : double.NaN;

    public double Final(string split, int? cls, string metric) => At(split, cls, metric, Epochs);

    /// <summary>The run's config JSON says per-sample train dynamics come from the training presentations.</summary>
    public bool DynamicsFromTraining => UsesTrainingDynamics(Run);

    /// <summary>Whether a run was recorded with --dynamics-from training ("diagnostics": {"dynamics_from": "training"}).</summary>
    public static bool UsesTrainingDynamics(RunRow run)
    {
        try
        {
            using var doc = JsonDocument.Parse(run.ConfigJson);
            return doc.RootElement.TryGetProperty("diagnostics", out var diagnostics) && diagnostics.ValueKind == JsonValueKind.Object
                && diagnostics.TryGetProperty("dynamics_from", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "training";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>A run's per-sample signals of one split at its epoch-end checkpoints, in epoch order, with the samples' labels.</summary>
public sealed record SplitSignals(string Split, int[] RowIds, int[] Labels, int[] Epochs, bool[][] Correct, float[][] PTrue, float[][] Margin)
{
    /// <summary>
    /// Epoch-end signals per split of one run. With <paramref name="dynamics"/> set, when the run's config has
    /// "dynamics_from": "training" and a 'train_presented' split was recorded, that split is returned under the name
    /// 'train' (its own sample order when it has samples of its own, else the train split's). Without it, 'train' is
    /// always the evaluation of the model on the training part (what thresholds are chosen on).
    /// </summary>
    public static IReadOnlyDictionary<string, SplitSignals> Load(RunView run, bool dynamics)
    {
        var samples = run.Samples.Samples(run.Run.RunId).ToDictionary(s => s.Split, StringComparer.Ordinal);
        var bySplit = new Dictionary<string, SortedDictionary<int, SampleSignals>>(StringComparer.Ordinal);
        foreach (var s in run.Samples.Signals(run.Run.RunId))
        {
            if (!RunView.IsEpochEnd(s.Epoch)) continue;
            if (!bySplit.TryGetValue(s.Split, out var d)) bySplit[s.Split] = d = [];
            d[(int)Math.Round(s.Epoch)] = s;
        }
        var result = new Dictionary<string, SplitSignals>(StringComparer.Ordinal);
        foreach (var (split, signals) in bySplit)
        {
            var own = samples.GetValueOrDefault(split) ?? (split == Splits.TrainPresented ? samples.GetValueOrDefault(Splits.Train) : null);
            if (own is null) continue;
            var list = signals.Values.ToList();
            if (list.Any(s => s.Correct.Length != own.Labels.Length))
                throw new ImbLabException($"run {run.Run.RunId}: split '{split}' has signals for a different number of samples than its sample list ({own.Labels.Length})");
            result[split] = new SplitSignals(split, own.RowIds, own.Labels, [.. signals.Keys], [.. list.Select(s => s.Correct)],
                [.. list.Select(s => s.TrueClassProbability)], [.. list.Select(s => s.Margin)]);
        }
        if (dynamics && run.DynamicsFromTraining && result.TryGetValue(Splits.TrainPresented, out var presented))
            result[Splits.Train] = presented with { Split = Splits.Train };
        result.Remove(Splits.TrainPresented);
        return result;
    }
}
