using System.Globalization;
using System.Text;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Store.Export;

/// <summary>
/// The tables read straight from the store. Each run-level row starts with the run keys
/// (<see cref="ExportContext.KeyColumns"/>), and rows about a class carry its index, label and role.
/// </summary>
internal static class StoreTables
{
    /// <summary>Fixed columns of the runs table; config fields of the same name are not repeated (same values).</summary>
    private static readonly ExportColumn[] RunColumns =
    [
        new("dataset_id", ColumnType.Text), new("minority_class", ColumnType.Int), new("minority_label", ColumnType.Text),
        new("majority_class", ColumnType.Int), new("majority_label", ColumnType.Text), new("train_minority", ColumnType.Int),
        new("train_majority", ColumnType.Int), new("test_minority", ColumnType.Int), new("test_majority", ColumnType.Int),
        new("train_counts", ColumnType.Text), new("test_counts", ColumnType.Text), new("realised_ir", ColumnType.Double),
        new("started_at", ColumnType.Text), new("finished_at", ColumnType.Text), new("train_seconds", ColumnType.Double),
        new("imblab_version", ColumnType.Text), new("config_hash", ColumnType.Text), new("config_json", ColumnType.Text),
    ];

    public static ExportTable Runs(ExportContext context)
    {
        var runs = context.Runs;
        var taken = ExportContext.KeyColumns.Concat(RunColumns).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var config = ConfigColumns.Of(runs.Select(r => r.ConfigJson), taken);
        return new ExportTable("runs", [.. ExportContext.WithKeys(RunColumns), .. config.Columns], w =>
        {
            for (var i = 0; i < runs.Count; i++)
            {
                var r = runs[i];
                var majority = r.MajorityClass;
                context.WriteKeys(w, r);
                w.Text(r.DatasetId);
                w.Int(r.MinorityClass);
                w.Text(context.ClassLabel(r, r.MinorityClass));
                w.Int(majority < 0 ? null : majority);
                w.Text(majority < 0 ? null : context.ClassLabel(r, majority));
                w.Int(At(r.TrainCounts, r.MinorityClass));
                w.Int(At(r.TrainCounts, majority));
                w.Int(At(r.TestCounts, r.MinorityClass));
                w.Int(At(r.TestCounts, majority));
                w.Text(string.Join(";", r.TrainCounts));
                w.Text(string.Join(";", r.TestCounts));
                w.Double(r.RealisedIr);
                w.Text(r.StartedAt);
                w.Text(r.FinishedAt);
                w.Double(r.TrainSeconds);
                w.Text(r.ImbLabVersion);
                w.Text(r.ConfigHash);
                w.Text(r.ConfigJson);
                config.Write(w, i);
                w.EndRow();
            }
        });
    }

    public static ExportTable Metrics(ExportContext context) => new("metrics",
        ExportContext.WithKeys(new("step", ColumnType.Int), new("epoch", ColumnType.Double), new("split", ColumnType.Text), new("class", ColumnType.Int),
            new("class_label", ColumnType.Text), new("role", ColumnType.Text), new("metric", ColumnType.Text), new("value", ColumnType.Double)),
        w =>
        {
            foreach (var (runId, m) in context.Store.Metrics())
            {
                if (context.Run(runId) is not { } run) continue; // finished after the runs were read
                context.WriteKeys(w, run);
                w.Int(m.Step);
                w.Double(m.Epoch);
                w.Text(m.Split);
                WriteClass(w, context, run, m.Class);
                w.Text(m.Metric);
                w.Double(m.Value);
                w.EndRow();
            }
        });

    public static ExportTable Gradients(ExportContext context) => new("gradients",
        ExportContext.WithKeys(new("step", ColumnType.Int), new("epoch", ColumnType.Double), new("layer", ColumnType.Int), new("class", ColumnType.Int),
            new("class_label", ColumnType.Text), new("role", ColumnType.Text), new("other_class", ColumnType.Int), new("other_role", ColumnType.Text),
            new("metric", ColumnType.Text), new("value", ColumnType.Double)),
        w =>
        {
            foreach (var run in context.Runs)
            {
                foreach (var g in context.Store.Gradients(run.RunId))
                {
                    context.WriteKeys(w, run);
                    w.Int(g.Step);
                    w.Double(g.Epoch);
                    w.Int(g.Layer);
                    WriteClass(w, context, run, g.Class);
                    w.Int(g.OtherClass);
                    w.Text(ExportContext.Role(run, g.OtherClass));
                    w.Text(g.Metric);
                    w.Double(g.Value);
                    w.EndRow();
                }
            }
        });

    public static ExportTable Representations(ExportContext context) => new("representations",
        ExportContext.WithKeys(new("step", ColumnType.Int), new("epoch", ColumnType.Double), new("split", ColumnType.Text), new("layer", ColumnType.Int),
            new("class", ColumnType.Int), new("class_label", ColumnType.Text), new("role", ColumnType.Text), new("other_class", ColumnType.Int),
            new("other_role", ColumnType.Text), new("metric", ColumnType.Text), new("value", ColumnType.Double), new("rows", ColumnType.Int)),
        w =>
        {
            foreach (var run in context.Runs)
            {
                foreach (var x in context.Store.Representations(run.RunId))
                {
                    context.WriteKeys(w, run);
                    w.Int(x.Step);
                    w.Double(x.Epoch);
                    w.Text(x.Split);
                    w.Int(x.Layer);
                    WriteClass(w, context, run, x.Class);
                    w.Int(x.OtherClass);
                    w.Text(ExportContext.Role(run, x.OtherClass));
                    w.Text(x.Metric);
                    w.Double(x.Value);
                    w.Int(x.Rows);
                    w.EndRow();
                }
            }
        });

    /// <summary>Findings are per study, dataset, protocol and remedy (pooled over levels and seeds): no run keys.</summary>
    public static ExportTable Findings(ExportContext context) => new("findings",
        [
            new("study_id", ColumnType.Text), new("dataset", ColumnType.Text), new("protocol", ColumnType.Text), new("remedy", ColumnType.Text),
            new("finding", ColumnType.Text), new("statement", ColumnType.Text), new("verdict", ColumnType.Text), new("effect", ColumnType.Double), new("ci_low", ColumnType.Double),
            new("ci_high", ColumnType.Double), new("p_value", ColumnType.Double), new("n", ColumnType.Int), new("details_json", ColumnType.Text),
        ],
        w =>
        {
            foreach (var study in context.Studies)
            {
                foreach (var f in context.Store.Findings(study.StudyId))
                {
                    w.Text(f.StudyId);
                    w.Text(f.Dataset);
                    w.Text(f.Protocol);
                    w.Text(f.Remedy);
                    w.Text(f.Finding);
                    w.Text(f.Statement);
                    w.Text(f.Verdict);
                    w.Double(f.Effect);
                    w.Double(f.CiLow);
                    w.Double(f.CiHigh);
                    w.Double(f.PValue);
                    w.Int(f.N);
                    w.Text(f.DetailsJson);
                    w.EndRow();
                }
            }
        });

    /// <summary>
    /// The per-sample signals decoded from their float16/bit blobs: one row per run, split, checkpoint and sample.
    /// 'sample' is the sample's row in the dataset file (the store's samples.row_ids).
    /// </summary>
    public static ExportTable Samples(ExportContext context) => new("samples",
        ExportContext.WithKeys(new("split", ColumnType.Text), new("step", ColumnType.Int), new("epoch", ColumnType.Double), new("sample", ColumnType.Int),
            new("class", ColumnType.Int), new("role", ColumnType.Text), new("p_true", ColumnType.Half), new("margin", ColumnType.Half),
            new("correct", ColumnType.Bool)),
        w =>
        {
            foreach (var run in context.Runs)
            {
                var splits = context.Store.Samples(run.RunId).ToDictionary(s => s.Split, StringComparer.Ordinal);
                var roles = Enumerable.Range(0, run.TrainCounts.Count).Select(run.RoleOf).ToArray();
                foreach (var s in context.Store.Signals(run.RunId))
                {
                    var own = SamplesOf(splits, s.Split)
                        ?? throw new ImbLabException($"{context.Store.Path}: run {run.RunId} has signals for split '{s.Split}' but no sample list for it");
                    if (own.RowIds.Length != s.TrueClassProbability.Length)
                        throw new ImbLabException($"{context.Store.Path}: run {run.RunId}, split '{s.Split}', step {s.Step}: {s.TrueClassProbability.Length} signals for {own.RowIds.Length} samples");
                    for (var i = 0; i < own.RowIds.Length; i++)
                    {
                        var label = own.Labels[i];
                        context.WriteKeys(w, run);
                        w.Text(s.Split);
                        w.Int(s.Step);
                        w.Double(s.Epoch);
                        w.Int(own.RowIds[i]);
                        w.Int(label);
                        w.Text(label >= 0 && label < roles.Length ? roles[label] : null);
                        w.Half(s.TrueClassProbability[i]);
                        w.Half(s.Margin[i]);
                        w.Bool(s.Correct[i]);
                        w.EndRow();
                    }
                }
            }
        });

    /// <summary>Recorded hidden activations (--record-activations): one row per sample, its values space-separated.</summary>
    public static ExportTable Activations(ExportContext context) => new("activations",
        ExportContext.WithKeys(new("step", ColumnType.Int), new("epoch", ColumnType.Double), new("layer", ColumnType.Int), new("split", ColumnType.Text),
            new("sample", ColumnType.Int), new("class", ColumnType.Int), new("role", ColumnType.Text), new("width", ColumnType.Int),
            new("values", ColumnType.Text)),
        w =>
        {
            var text = new StringBuilder();
            foreach (var run in context.Runs)
            {
                // Labels by dataset row: activations name their samples by row id.
                var labels = context.Store.Samples(run.RunId).SelectMany(s => s.RowIds.Zip(s.Labels)).GroupBy(p => p.First)
                    .ToDictionary(g => g.Key, g => g.First().Second);
                foreach (var a in context.Store.Activations(run.RunId))
                {
                    for (var i = 0; i < a.RowIds.Length; i++)
                    {
                        int? label = labels.TryGetValue(a.RowIds[i], out var y) ? y : null;
                        text.Clear();
                        foreach (var v in a.Values.AsSpan(i * a.Width, a.Width))
                        {
                            if (text.Length > 0) text.Append(' ');
                            text.Append(v.ToString("R", CultureInfo.InvariantCulture));
                        }
                        context.WriteKeys(w, run);
                        w.Int(a.Step);
                        w.Double(a.Epoch);
                        w.Int(a.Layer);
                        w.Text(a.Split);
                        w.Int(a.RowIds[i]);
                        w.Int(label);
                        w.Text(ExportContext.Role(run, label));
                        w.Int(a.Width);
                        w.Text(text.ToString());
                        w.EndRow();
                    }
                }
            }
        });

    /// <summary>Whether the store holds any activations (they are recorded only on request).</summary>
    public static bool HasActivations(ExportContext context) => context.Runs.Any(r => context.Store.Activations(r.RunId).Any());

    /// <summary>A split's own samples; the training presentations share the train split's when they have none of their own.</summary>
    public static SplitSamples? SamplesOf(IReadOnlyDictionary<string, SplitSamples> splits, string split) =>
        splits.GetValueOrDefault(split) ?? (split == Splits.TrainPresented ? splits.GetValueOrDefault(Splits.Train) : null);

    private static void WriteClass(RowWriter w, ExportContext context, RunRow run, int? cls)
    {
        w.Int(cls);
        w.Text(context.ClassLabel(run, cls));
        w.Text(ExportContext.Role(run, cls));
    }

    private static int? At(IReadOnlyList<int> counts, int cls) => cls >= 0 && cls < counts.Count ? counts[cls] : null;
}
