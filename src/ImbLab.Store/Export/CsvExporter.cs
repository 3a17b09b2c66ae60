using System.Globalization;
using CsvHelper;
using ImbLab.Core.Results;
using ImbLab.Store;

namespace ImbLab.Store.Export;

internal sealed record ExportedFile(string Path, long Rows);

/// <summary>
/// Writes a store as long-format CSV: runs.csv (one row per finished run, with its resolved config), metrics.csv
/// (run, step, epoch, split, class, role, metric, value), samples.csv (run, split, step, epoch, sample, class, role,
/// p_true, margin, correct) and, on request, representations.csv (run, step, epoch, layer, split, sample, class, role,
/// width, space-separated values). Undefined values are empty cells. Files are written to a temporary name and
/// renamed when complete, so a half-written export is never left under the final name.
/// </summary>
internal static class CsvExporter
{
    public static IReadOnlyList<ExportedFile> Export(StudyStore store, string folder, bool samples, CancellationToken cancellationToken,
        bool representations = false)
    {
        Directory.CreateDirectory(folder);
        // One read transaction for the whole export: runs finishing meanwhile must not appear in some files and not others.
        using var snapshot = store.Snapshot();
        var runs = store.Runs();
        var datasets = store.Datasets().ToDictionary(d => d.DatasetId);
        var runById = runs.ToDictionary(r => r.RunId);
        var roles = runs.ToDictionary(r => r.RunId, Roles);
        string Role(string runId, int? cls) => cls is { } c ? roles[runId][c] : "";

        var files = new List<ExportedFile>
        {
            Write(Path.Combine(folder, "runs.csv"),
                ["study_id", "run_id", "dataset", "dataset_id", "protocol", "level", "requested_ir", "seed", "seed_index", "split_repeat",
                 "split_fold", "minority_class", "minority_label", "train_counts", "test_counts", "realised_ir", "train_seconds",
                 "imblab_version", "config_json"],
                runs.Select(r =>
                {
                    var d = datasets.GetValueOrDefault(r.DatasetId);
                    return new[]
                    {
                        r.StudyId, r.RunId, d?.Name ?? "", r.DatasetId, r.Protocol, r.Level, Num(r.RequestedIr), Int(r.Seed), Int(r.SeedIndex),
                        Int(r.SplitRepeat), Int(r.SplitFold), Int(r.MinorityClass), d is null ? "" : d.ClassNames[r.MinorityClass],
                        string.Join(";", r.TrainCounts), string.Join(";", r.TestCounts), Num(r.RealisedIr), Num(r.TrainSeconds),
                        r.ImbLabVersion, r.ConfigJson,
                    };
                }), cancellationToken),
            Write(Path.Combine(folder, "metrics.csv"),
                ["run_id", "step", "epoch", "split", "class", "class_label", "role", "metric", "value"],
                store.Metrics().Select(x =>
                {
                    var (runId, m) = x;
                    var names = datasets.GetValueOrDefault(runById[runId].DatasetId)?.ClassNames;
                    return new[]
                    {
                        runId, Int(m.Step), Num(m.Epoch), m.Split, m.Class is { } c ? Int(c) : "", m.Class is { } k && names is not null ? names[k] : "",
                        Role(runId, m.Class), m.Metric, Num(m.Value),
                    };
                }), cancellationToken),
        };

        if (samples)
        {
            files.Add(Write(Path.Combine(folder, "samples.csv"),
                ["run_id", "split", "step", "epoch", "sample", "class", "role", "p_true", "margin", "correct"],
                runs.SelectMany(run =>
                {
                    var splits = store.Samples(run.RunId).ToDictionary(s => s.Split);
                    return store.Signals(run.RunId).SelectMany(s => Enumerable.Range(0, s.TrueClassProbability.Length).Select(i => new[]
                    {
                        run.RunId, s.Split, Int(s.Step), Num(s.Epoch), Int(splits[s.Split].RowIds[i]), Int(splits[s.Split].Labels[i]),
                        Role(run.RunId, splits[s.Split].Labels[i]), Num(s.TrueClassProbability[i]), Num(s.Margin[i]), s.Correct[i] ? "1" : "0",
                    }));
                }), cancellationToken));
        }

        if (representations)
        {
            files.Add(Write(Path.Combine(folder, "representations.csv"),
                ["run_id", "step", "epoch", "layer", "split", "sample", "class", "role", "width", "values"],
                runs.SelectMany(run =>
                {
                    // Labels by dataset row: activations name their samples by row id.
                    var labels = store.Samples(run.RunId).SelectMany(s => s.RowIds.Zip(s.Labels)).GroupBy(p => p.First)
                        .ToDictionary(g => g.Key, g => g.First().Second);
                    return store.Activations(run.RunId).SelectMany(a => Enumerable.Range(0, a.RowIds.Length).Select(i =>
                    {
                        int? label = labels.TryGetValue(a.RowIds[i], out var y) ? y : null;
                        return new[]
                        {
                            run.RunId, Int(a.Step), Num(a.Epoch), Int(a.Layer), a.Split, Int(a.RowIds[i]), label is { } l ? Int(l) : "",
                            Role(run.RunId, label), Int(a.Width),
                            string.Join(' ', a.Values.AsSpan(i * a.Width, a.Width).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                        };
                    }));
                }), cancellationToken));
        }
        return files;
    }

    /// <summary>Each class's role in a run: minority (the training part's smaller class), majority (the largest other), else other.</summary>
    private static string[] Roles(RunRow run)
    {
        var majority = run.MajorityClass;
        return Enumerable.Range(0, run.TrainCounts.Count)
            .Select(c => c == run.MinorityClass ? "minority" : c == majority ? "majority" : "other").ToArray();
    }

    private static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Num(double? v) => v is not { } x || double.IsNaN(x) ? "" : x.ToString("R", CultureInfo.InvariantCulture);

    private static ExportedFile Write(string path, string[] header, IEnumerable<string[]> rows, CancellationToken cancellationToken)
    {
        var temporary = path + ".partial";
        long count = 0;
        try
        {
            using (var writer = new StreamWriter(temporary))
            using (var csv = CsvWriter.Create(writer, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
            {
                foreach (var row in rows.Prepend(header))
                {
                    if ((count & 0xFFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
                    foreach (var field in row) csv.WriteField(field);
                    csv.EndRecord();
                    count++;
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        return new ExportedFile(path, count - 1);
    }
}
