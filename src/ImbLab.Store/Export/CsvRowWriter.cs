using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ImbLab.Store.Export;

/// <summary>
/// CSV with a header row (RFC 4180 quoting, UTF-8 without BOM, \n line ends). Numbers are invariant and shortest
/// round-trip: a double as "R", a float16 value as its own shortest text (0.4854, not 0.48535156250000000), which is
/// what keeps samples.csv small without losing a bit. Undefined values are empty cells; booleans are true/false.
/// With <c>gzip</c> the file is gzip-compressed (.csv.gz, which pandas, polars, R and zcat read as is).
/// </summary>
internal sealed class CsvRowWriter : RowWriter
{
    private readonly StreamWriter _writer;
    private bool _atRowStart = true;

    public CsvRowWriter(string path, IReadOnlyList<ExportColumn> columns, bool gzip, CancellationToken cancellationToken)
        : base(columns, cancellationToken)
    {
        Stream stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        // Fastest: the run keys repeated on every row compress so well that higher levels gain little and cost much.
        if (gzip) stream = new GZipStream(stream, CompressionLevel.Fastest);
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16) { NewLine = "\n" };
        foreach (var column in columns) Field(column.Name);
        _writer.Write('\n');
        _atRowStart = true;
    }

    public override void Complete() => _writer.Flush();

    public override void Dispose() => _writer.Dispose();

    protected override void WriteInt(int column, int? value) => Raw(value?.ToString(CultureInfo.InvariantCulture));

    protected override void WriteLong(int column, long? value) => Raw(value?.ToString(CultureInfo.InvariantCulture));

    protected override void WriteDouble(int column, double? value) => Raw(value?.ToString("R", CultureInfo.InvariantCulture));

    protected override void WriteHalf(int column, float? value) => Raw(value is { } v ? ((Half)v).ToString(CultureInfo.InvariantCulture) : null);

    protected override void WriteBool(int column, bool? value) => Raw(value is { } b ? b ? "true" : "false" : null);

    protected override void WriteText(int column, string? value) => Field(value);

    protected override void EndRowCore()
    {
        _writer.Write('\n');
        _atRowStart = true;
    }

    /// <summary>A value that never needs quoting (numbers, booleans).</summary>
    private void Raw(string? value)
    {
        Separator();
        if (value is not null) _writer.Write(value);
    }

    private void Field(string? value)
    {
        Separator();
        if (value is null) return;
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            _writer.Write(value);
            return;
        }
        _writer.Write('"');
        _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }

    private void Separator()
    {
        if (!_atRowStart) _writer.Write(',');
        _atRowStart = false;
    }
}
