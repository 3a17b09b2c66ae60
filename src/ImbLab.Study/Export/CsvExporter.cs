using System.Globalization;
using CsvHelper;
using ImbLab.Study.Store;

namespace ImbLab.Study.Export;

internal sealed record ExportedFile(string Path, long Rows);

/// <summary>
/// Writes a store as long-format CSV: runs.csv (one row per finished run, with its resolved config), metrics.csv
/// (run, step, epoch, split, class, role, metric, value) and samples.csv (run, split, step, epoch, sample, class,
/// p_true, margin, correct). Undefined values are empty cells. Files are written to a temporary name and
/// renamed when complete, so a half-written export is never left under the final name.
/// </summary>
internal static class CsvExporter
{
    public static IReadOnlyList<ExportedFile> Export(StudyStore store, string folder, bool samples, CancellationToken cancellationToken,
        bool representations = false)
    {
        Directory.CreateDirectory(folder);
        var runs = store.Runs();
        var datasets = store.Datasets().ToDictionary(d => d.DatasetId);
        var runById = runs.ToDictionary(r => r.RunId);
        var files = new List<ExportedFile>();

        files.Add(Write(Path.Combine(folder, "runs.csv"), csv =>
        {
            foreach (var h in new[] { "study_id", "run_id", "dataset", "dataset_id", "protocol", "level", "requested_ir", "seed", "seed_index",
                         "split_repeat", "split_fold", "minority_class", "minority_label", "train_counts", "test_counts", "realised_ir",
                         "train_seconds", "imblab_version", "config_json" })
                csv.WriteField(h);
            csv.EndRecord();
            long n = 0;
            foreach (var r in runs)
            {
                var d = datasets.GetValueOrDefault(r.DatasetId);
                csv.WriteField(r.StudyId);
                csv.WriteField(r.RunId);
                csv.WriteField(d?.Name ?? "");
                csv.WriteField(r.DatasetId);
                csv.WriteField(r.Protocol);
                csv.WriteField(r.Level);
                csv.WriteField(Num(r.RequestedIr));
                csv.WriteField(Int(r.Seed));
                csv.WriteField(Int(r.SeedIndex));
                csv.WriteField(Int(r.SplitRepeat));
                csv.WriteField(Int(r.SplitFold));
                csv.WriteField(Int(r.MinorityClass));
                csv.WriteField(d is null ? "" : d.ClassNames[r.MinorityClass]);
                csv.WriteField(string.Join(";", r.TrainCounts));
                csv.WriteField(string.Join(";", r.TestCounts));
                csv.WriteField(Num(r.RealisedIr));
                csv.WriteField(Num(r.TrainSeconds));
                csv.WriteField(r.ImbLabVersion);
                csv.WriteField(r.ConfigJson);
                csv.EndRecord();
                n++;
            }
            return n;
        }));

        files.Add(Write(Path.Combine(folder, "metrics.csv"), csv =>
        {
            foreach (var h in new[] { "run_id", "step", "epoch", "split", "class", "class_label", "role", "metric", "value" }) csv.WriteField(h);
            csv.EndRecord();
            long n = 0;
            foreach (var (runId, m) in store.Metrics())
            {
                if ((n & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                var run = runById[runId];
                var names = datasets.GetValueOrDefault(run.DatasetId)?.ClassNames;
                csv.WriteField(runId);
                csv.WriteField(Int(m.Step));
                csv.WriteField(Num(m.Epoch));
                csv.WriteField(m.Split);
                csv.WriteField(m.Class?.ToString(CultureInfo.InvariantCulture) ?? "");
                csv.WriteField(m.Class is { } c && names is not null ? names[c] : "");
                csv.WriteField(Role(run, m.Class));
                csv.WriteField(m.Metric);
                csv.WriteField(Num(m.Value));
                csv.EndRecord();
                n++;
            }
            return n;
        }));

        if (samples)
        {
            files.Add(Write(Path.Combine(folder, "samples.csv"), csv =>
            {
                foreach (var h in new[] { "run_id", "split", "step", "epoch", "sample", "class", "role", "p_true", "margin", "correct" }) csv.WriteField(h);
                csv.EndRecord();
                long n = 0;
                foreach (var run in runs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var splits = store.Samples(run.RunId).ToDictionary(s => s.Split);
                    foreach (var s in store.Signals(run.RunId))
                    {
                        var ids = splits[s.Split];
                        for (var i = 0; i < s.TrueClassProbability.Length; i++)
                        {
                            csv.WriteField(run.RunId);
                            csv.WriteField(s.Split);
                            csv.WriteField(Int(s.Step));
                            csv.WriteField(Num(s.Epoch));
                            csv.WriteField(Int(ids.RowIds[i]));
                            csv.WriteField(Int(ids.Labels[i]));
                            csv.WriteField(Role(run, ids.Labels[i]));
                            csv.WriteField(Num(s.TrueClassProbability[i]));
                            csv.WriteField(Num(s.Margin[i]));
                            csv.WriteField(s.Correct[i] ? "1" : "0");
                            csv.EndRecord();
                            n++;
                        }
                    }
                }
                return n;
            }));
        }
        if (representations)
        {
            files.Add(Write(Path.Combine(folder, "representations.csv"), csv =>
            {
                foreach (var h in new[] { "run_id", "step", "epoch", "layer", "split", "sample", "class", "role", "width", "values" }) csv.WriteField(h);
                csv.EndRecord();
                long n = 0;
                foreach (var run in runs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Labels by dataset row: activations name their samples by row id.
                    var labels = store.Samples(run.RunId).SelectMany(s => s.RowIds.Zip(s.Labels)).GroupBy(p => p.First).ToDictionary(g => g.Key, g => g.First().Second);
                    foreach (var a in store.Activations(run.RunId))
                    {
                        for (var i = 0; i < a.RowIds.Length; i++)
                        {
                            var label = labels.TryGetValue(a.RowIds[i], out var y) ? y : -1;
                            csv.WriteField(run.RunId);
                            csv.WriteField(Int(a.Step));
                            csv.WriteField(Num(a.Epoch));
                            csv.WriteField(Int(a.Layer));
                            csv.WriteField(a.Split);
                            csv.WriteField(Int(a.RowIds[i]));
                            csv.WriteField(label < 0 ? "" : Int(label));
                            csv.WriteField(label < 0 ? "" : Role(run, label));
                            csv.WriteField(Int(a.Width));
                            csv.WriteField(string.Join(' ', a.Values.AsSpan(i * a.Width, a.Width).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                            csv.EndRecord();
                            n++;
                        }
                    }
                }
                return n;
            }));
        }
        return files;
    }

    /// <summary>minority / majority for binary runs (the training part's smaller class is the minority), else other.</summary>
    private static string Role(RunRow run, int? cls) =>
        cls is not { } c ? "" : c == run.MinorityClass ? "minority" : c == StudySummary.MajorityOf(run) ? "majority" : "other";

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Num(double? v) => v is not { } x || double.IsNaN(x) ? "" : x.ToString("R", CultureInfo.InvariantCulture);

    private static ExportedFile Write(string path, Func<CsvWriter, long> body)
    {
        var temporary = path + ".partial";
        long rows;
        using (var writer = new StreamWriter(temporary))
        using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            rows = body(csv);
        }
        File.Move(temporary, path, overwrite: true);
        return new ExportedFile(path, rows);
    }
}
