using ImbLab.Core;

namespace ImbLab.Store.Export;

public enum ExportFormat
{
    Csv,
    Parquet,
}

/// <summary>A file an export wrote: its table, where, how many rows (the header not counted) and its size.</summary>
public sealed record ExportedFile(string Table, string Path, long Rows, long Bytes);

/// <summary>
/// A table computed outside the store layer and handed in to be written with the others: the per-sample dynamics
/// come from ImbLab.Analysis, which the store may not reference (Store -> Core only).
/// </summary>
public sealed record DerivedTable(string Name, Func<ExportContext, ExportTable> Build);

public sealed record ExportRequest(string Folder, ExportFormat Format)
{
    /// <summary>The tables to write; null: all of them (activations only when the store recorded some).</summary>
    public IReadOnlyCollection<string>? Tables { get; init; }

    /// <summary>False: leave out the per-sample signals (--no-samples), by far the largest table.</summary>
    public bool Samples { get; init; } = true;

    /// <summary>
    /// CSV only: write the per-sample tables (samples, activations) gzip-compressed, as .csv.gz. The run keys on every
    /// row make them several times larger than the store; false (--no-gzip) writes plain .csv.
    /// </summary>
    public bool GzipLargeCsv { get; init; } = true;

    public IReadOnlyList<DerivedTable> Derived { get; init; } = [];
}

/// <summary>
/// Writes a store's tables, each as one file per table (CSV or Parquet) in a folder. Every file is written under a
/// temporary name (.partial) and all are renamed only when every table is complete, so an export that fails or is
/// cancelled leaves nothing under a final name (and removes its temporary files).
/// </summary>
public static class StoreExporter
{
    public const string Dynamics = "dynamics";

    /// <summary>Every table an export can write, in the order they are written.</summary>
    public static readonly IReadOnlyList<string> TableNames =
        ["runs", "metrics", "gradients", "representations", "findings", Dynamics, "samples", "activations"];

    public static ExportFormat ParseFormat(string format) => format.Trim().ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "parquet" => ExportFormat.Parquet,
        _ => throw new UsageException($"--format: '{format}' is not supported; accepted: csv, parquet"),
    };

    /// <summary>A comma-separated table list, checked against <see cref="TableNames"/>.</summary>
    public static IReadOnlyList<string> ParseTables(string tables)
    {
        var names = tables.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new UsageException($"--tables: empty; tables: {string.Join(", ", TableNames)}");
        foreach (var name in names)
            if (!TableNames.Contains(name, StringComparer.Ordinal))
                throw new UsageException($"--tables: '{name}' is not a table; tables: {string.Join(", ", TableNames)}");
        return names;
    }

    /// <summary>The tables that are gzip-compressed in CSV unless asked otherwise: one row per sample and checkpoint.</summary>
    public static readonly IReadOnlyList<string> LargeTables = ["samples", "activations"];

    /// <summary>The file name a table is written under.</summary>
    public static string FileName(string table, ExportRequest request) => table + request.Format switch
    {
        ExportFormat.Parquet => ".parquet",
        _ => Gzipped(table, request) ? ".csv.gz" : ".csv",
    };

    private static bool Gzipped(string table, ExportRequest request) =>
        request.Format == ExportFormat.Csv && request.GzipLargeCsv && LargeTables.Contains(table, StringComparer.Ordinal);

    /// <summary>Reads the store and writes the requested tables. Every store read of the export happens inside this call.</summary>
    public static IReadOnlyList<ExportedFile> Export(StudyStore store, ExportRequest request, CancellationToken cancellationToken)
    {
        // One read transaction for the whole export: a study writing meanwhile cannot make its files disagree.
        using var snapshot = store.Snapshot();
        var context = new ExportContext(store);
        return Write(context, request, cancellationToken);
    }

    private static List<ExportedFile> Write(ExportContext context, ExportRequest request, CancellationToken cancellationToken)
    {
        var tables = Select(context, request);
        using var staged = new StagedFiles();
        var written = new List<(string Table, string Path, long Rows)>();
        try
        {
            Directory.CreateDirectory(request.Folder);
            foreach (var table in tables)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var final = Path.Combine(request.Folder, FileName(table.Name, request));
                var temporary = staged.Stage(final);
                using var writer = request.Format == ExportFormat.Parquet
                    ? (RowWriter)new ParquetRowWriter(temporary, table.Columns, cancellationToken)
                    : new CsvRowWriter(temporary, table.Columns, Gzipped(table.Name, request), cancellationToken);
                table.WriteRows(writer);
                writer.Complete();
                written.Add((table.Name, final, writer.Rows));
            }
            cancellationToken.ThrowIfCancellationRequested();
            staged.Commit();
        }
        catch (Exception e) when (OutputErrors.IsWriteFailure(e))
        {
            throw OutputErrors.Describe(request.Folder, "the export", e, $"{Settings.Mention(Settings.Out)} FOLDER");
        }
        return written.Select(f => new ExportedFile(f.Table, f.Path, f.Rows, new FileInfo(f.Path).Length)).ToList();
    }

    private static List<ExportTable> Select(ExportContext context, ExportRequest request)
    {
        var derived = request.Derived.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var names = request.Tables?.ToList()
            ?? TableNames.Where(n => n != Dynamics || derived.ContainsKey(n)).Where(n => n != "activations" || StoreTables.HasActivations(context)).ToList();
        if (!request.Samples) names.Remove("samples");
        return TableNames.Where(names.Contains).Select(name => name switch
        {
            "runs" => StoreTables.Runs(context),
            "metrics" => StoreTables.Metrics(context),
            "gradients" => StoreTables.Gradients(context),
            "representations" => StoreTables.Representations(context),
            "findings" => StoreTables.Findings(context),
            "samples" => StoreTables.Samples(context),
            "activations" => StoreTables.Activations(context),
            _ when derived.TryGetValue(name, out var d) => d.Build(context),
            _ => throw new InvalidOperationException($"table '{name}' is derived outside the store and was not given"),
        }).ToList();
    }
}
