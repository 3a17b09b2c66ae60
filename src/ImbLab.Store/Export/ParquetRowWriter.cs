using Parquet;
using Parquet.Schema;

namespace ImbLab.Store.Export;

/// <summary>
/// Parquet with typed, nullable columns: Int -> int32, Long -> int64, Double -> double, Half -> float (float16 values
/// are exact in float32), Bool -> boolean, Text -> UTF-8 string. Rows are buffered per column and written as a row
/// group every <see cref="RowGroupRows"/> rows, so memory stays bounded whatever the table's size. Zstd compression,
/// and dictionary encoding for repeated strings (the run keys on every row cost almost nothing).
/// </summary>
internal sealed class ParquetRowWriter : RowWriter
{
    /// <summary>Rows per row group: large enough for good compression, small enough to keep a few tens of MB buffered.</summary>
    public const int RowGroupRows = 128 * 1024;

    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly DataField[] _fields;
    private readonly Array[] _buffers;
    private readonly CancellationToken _cancellationToken;
    private int _buffered;
    private bool _closed;

    public ParquetRowWriter(string path, IReadOnlyList<ExportColumn> columns, CancellationToken cancellationToken)
        : base(columns, cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _fields = columns.Select(c => c.Type switch
        {
            ColumnType.Int => (DataField)new DataField<int?>(c.Name),
            ColumnType.Long => new DataField<long?>(c.Name),
            ColumnType.Double => new DataField<double?>(c.Name),
            ColumnType.Half => new DataField<float?>(c.Name),
            ColumnType.Bool => new DataField<bool?>(c.Name),
            ColumnType.Text => new DataField<string>(c.Name, nullable: true),
            _ => throw new ArgumentOutOfRangeException(nameof(columns), c.Type, "unknown column type"),
        }).ToArray();
        _buffers = columns.Select(c => c.Type switch
        {
            ColumnType.Int => (Array)new int?[RowGroupRows],
            ColumnType.Long => new long?[RowGroupRows],
            ColumnType.Double => new double?[RowGroupRows],
            ColumnType.Half => new float?[RowGroupRows],
            ColumnType.Bool => new bool?[RowGroupRows],
            _ => new string?[RowGroupRows],
        }).ToArray();
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        try
        {
            // Zstd at its fastest level: about as small as the default level here, and many times faster to write.
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
            _writer = ParquetWriter.CreateAsync(new ParquetSchema(_fields), _stream, options, append: false, cancellationToken).GetAwaiter().GetResult();
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public override void Complete()
    {
        if (_buffered > 0) Flush();
        _closed = true;
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult(); // writes the footer
        _stream.Flush();
    }

    public override void Dispose()
    {
        try
        {
            // After a failure: the footer is of no use, the caller deletes the file; only the handle matters.
            if (!_closed) _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
        finally
        {
            _closed = true;
            _stream.Dispose();
        }
    }

    protected override void WriteInt(int column, int? value) => ((int?[])_buffers[column])[_buffered] = value;

    protected override void WriteLong(int column, long? value) => ((long?[])_buffers[column])[_buffered] = value;

    protected override void WriteDouble(int column, double? value) => ((double?[])_buffers[column])[_buffered] = value;

    protected override void WriteHalf(int column, float? value) => ((float?[])_buffers[column])[_buffered] = value;

    protected override void WriteBool(int column, bool? value) => ((bool?[])_buffers[column])[_buffered] = value;

    protected override void WriteText(int column, string? value) => ((string?[])_buffers[column])[_buffered] = value;

    protected override void EndRowCore()
    {
        if (++_buffered == RowGroupRows) Flush();
    }

    private void Flush()
    {
        using (var group = _writer.CreateRowGroup())
        {
            for (var i = 0; i < _fields.Length; i++)
            {
                var task = _buffers[i] switch
                {
                    int?[] a => group.WriteAsync(_fields[i], new ReadOnlyMemory<int?>(a, 0, _buffered), null, null, _cancellationToken),
                    long?[] a => group.WriteAsync(_fields[i], new ReadOnlyMemory<long?>(a, 0, _buffered), null, null, _cancellationToken),
                    double?[] a => group.WriteAsync(_fields[i], new ReadOnlyMemory<double?>(a, 0, _buffered), null, null, _cancellationToken),
                    float?[] a => group.WriteAsync(_fields[i], new ReadOnlyMemory<float?>(a, 0, _buffered), null, null, _cancellationToken),
                    bool?[] a => group.WriteAsync(_fields[i], new ReadOnlyMemory<bool?>(a, 0, _buffered), null, null, _cancellationToken),
                    string?[] a => group.WriteAsync(_fields[i], new ArraySegment<string>(a!, 0, _buffered), null),
                    _ => throw new InvalidOperationException("unknown buffer type"),
                };
                task.GetAwaiter().GetResult();
            }
            group.CompleteValidate();
        }
        // Drop the strings of the written group so they can be collected.
        foreach (var buffer in _buffers)
            if (buffer is string?[] s) Array.Clear(s, 0, _buffered);
        _buffered = 0;
    }
}
