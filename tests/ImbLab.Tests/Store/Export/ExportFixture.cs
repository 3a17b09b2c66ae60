using System.Globalization;
using System.IO.Compression;
using System.Text;
using ImbLab.Cli.Commands;
using ImbLab.Core.Specs;
using ImbLab.Store;
using ImbLab.Store.Export;
using ImbLab.Study;
using Parquet;
using Parquet.Schema;

namespace ImbLab.Tests.Store.Export;

/// <summary>
/// One small study store shared by the export tests: two ratios, two seeds, activations recorded, findings stated,
/// so every table has rows (and metrics have undefined values: nothing is predicted minority at some checkpoints).
/// </summary>
public sealed class ExportFixture : IDisposable
{
    public ExportFixture()
    {
        Folder = Directory.CreateTempSubdirectory("imblab-export-").FullName;
        StorePath = Path.Combine(Folder, "imblab.db");
        var spec = new StudySpec
        {
            Data = ["synthetic:rows=400,d=4,sep=1"],
            Protocols = ["subsample-minority"],
            Irs = [1, 8],
            Seeds = 2,
            Model = new ModelSpec { Hidden = [8, 6], Epochs = 4, BatchSize = 16 },
            Diagnostics = new DiagnosticsSpec { RecordActivations = true },
        };
        StudyPipeline.Train(spec, StorePath, 1, null, CancellationToken.None);
        StudyPipeline.StateFindings(StorePath, null);
    }

    public string Folder { get; }

    public string StorePath { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>Exports every table (dynamics included, as the CLI does) into a new folder.</summary>
    internal IReadOnlyList<ExportedFile> Export(ExportFormat format, bool gzip = true, IReadOnlyCollection<string>? tables = null)
    {
        using var store = StudyStore.OpenForReading(StorePath);
        var request = new ExportRequest(Path.Combine(Folder, Guid.NewGuid().ToString("N")), format)
        {
            Tables = tables,
            GzipLargeCsv = gzip,
            Derived = [new DerivedTable(StoreExporter.Dynamics, DynamicsTable.Build)],
        };
        return StoreExporter.Export(store, request, CancellationToken.None);
    }
}

/// <summary>An exported file read back as text cells: CSV as written, Parquet formatted the way the CSV writer formats.</summary>
internal sealed record TextTable(string[] Header, List<string[]> Rows)
{
    public int Column(string name)
    {
        var i = Array.IndexOf(Header, name);
        return i >= 0 ? i : throw new KeyNotFoundException($"no column {name} in {string.Join(",", Header)}");
    }

    public static TextTable ReadCsv(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        var records = Parse(reader.ReadToEnd());
        return new TextTable(records[0], records.Skip(1).ToList());
    }

    /// <summary>RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { fields.Add(field.ToString()); field.Clear(); records.Add([.. fields]); fields.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); records.Add([.. fields]); }
        return records;
    }

    public static TextTable ReadParquet(string path) => ReadParquet(path, out _);

    /// <summary>Reads a Parquet file with Parquet.Net; <paramref name="types"/> gives each column's CLR type.</summary>
    public static TextTable ReadParquet(string path, out Type[] types)
    {
        using var stream = File.OpenRead(path);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        var rows = new List<string[]>();
        var fields = reader.Schema.DataFields;
        try
        {
            // Parquet.Net 6 reads text as ReadOnlyMemory<char>; the tests speak of it as string.
            types = fields.Select(f => f.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : f.ClrType).ToArray();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = checked((int)group.RowCount);
                var columns = fields.Select(f => Read(group, f, n)).ToArray();
                for (var r = 0; r < n; r++) rows.Add(columns.Select(c => c[r]).ToArray());
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return new TextTable(fields.Select(f => f.Name).ToArray(), rows);
    }

    private static string[] Read(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var s = new string?[n];
            group.ReadAsync(field, s.AsMemory(), null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return s.Select(v => v ?? "").ToArray();
        }
        if (field.ClrType == typeof(int)) return ReadStruct<int>(group, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (field.ClrType == typeof(long)) return ReadStruct<long>(group, field, n, v => v.ToString(CultureInfo.InvariantCulture));
        if (field.ClrType == typeof(double))
            return ReadStruct<double>(group, field, n, v => double.IsNaN(v) ? "NaN in Parquet" : v.ToString("R", CultureInfo.InvariantCulture));
        if (field.ClrType == typeof(float)) return ReadStruct<float>(group, field, n, v => ((Half)v).ToString(CultureInfo.InvariantCulture));
        if (field.ClrType == typeof(bool)) return ReadStruct<bool>(group, field, n, v => v ? "true" : "false");
        throw new InvalidOperationException($"unexpected column type {field.ClrType} of {field.Name}");
    }

    private static string[] ReadStruct<T>(ParquetRowGroupReader group, DataField field, int n, Func<T, string> format) where T : struct
    {
        var values = new T?[n];
        group.ReadAsync(field, values.AsMemory(), null, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return values.Select(v => v is { } x ? format(x) : "").ToArray();
    }
}
