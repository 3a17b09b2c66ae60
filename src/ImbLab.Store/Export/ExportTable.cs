namespace ImbLab.Store.Export;

/// <summary>
/// A column's type, the same in every format: CSV writes its text, Parquet its physical type. Every column is
/// nullable (an undefined value, NaN included, is NULL in Parquet and an empty cell in CSV).
/// </summary>
public enum ColumnType
{
    Int,
    Long,
    Double,

    /// <summary>A value stored as float16: Parquet float32 (exact), CSV the shortest text that round-trips the float16.</summary>
    Half,
    Bool,
    Text,
}

public sealed record ExportColumn(string Name, ColumnType Type);

/// <summary>
/// A table to export: its columns and a producer that pushes its rows, one at a time, into a <see cref="RowWriter"/>,
/// so a table of any size streams from the store to the file without being held in memory.
/// </summary>
public sealed record ExportTable(string Name, IReadOnlyList<ExportColumn> Columns, Action<RowWriter> WriteRows);

/// <summary>
/// Receives one row at a time, its values in column order, each through the method of its column's type (a
/// mismatch is a programming error and throws). Checks for cancellation every few thousand rows.
/// </summary>
public abstract class RowWriter : IDisposable
{
    private const long CancellationCheckRows = 4096;

    private readonly CancellationToken _cancellationToken;
    private int _column;

    protected RowWriter(IReadOnlyList<ExportColumn> columns, CancellationToken cancellationToken)
    {
        Columns = columns;
        _cancellationToken = cancellationToken;
    }

    public IReadOnlyList<ExportColumn> Columns { get; }

    public long Rows { get; private set; }

    public void Int(int? value) => WriteInt(Next(ColumnType.Int), value);

    public void Long(long? value) => WriteLong(Next(ColumnType.Long), value);

    public void Double(double? value) => WriteDouble(Next(ColumnType.Double), value is { } v && double.IsNaN(v) ? null : value);

    public void Half(float value) => WriteHalf(Next(ColumnType.Half), float.IsNaN(value) ? null : value);

    public void Bool(bool? value) => WriteBool(Next(ColumnType.Bool), value);

    public void Text(string? value) => WriteText(Next(ColumnType.Text), value);

    public void EndRow()
    {
        if (_column != Columns.Count)
            throw new InvalidOperationException($"row {Rows} has {_column} values; the table has {Columns.Count} columns");
        _column = 0;
        EndRowCore();
        Rows++;
        if (Rows % CancellationCheckRows == 0) _cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Writes what is buffered and closes the output (the file stays under its temporary name).</summary>
    public abstract void Complete();

    /// <summary>Releases the output, complete or not (after a failure the caller deletes the temporary file).</summary>
    public abstract void Dispose();

    protected abstract void WriteInt(int column, int? value);
    protected abstract void WriteLong(int column, long? value);
    protected abstract void WriteDouble(int column, double? value);
    protected abstract void WriteHalf(int column, float? value);
    protected abstract void WriteBool(int column, bool? value);
    protected abstract void WriteText(int column, string? value);
    protected abstract void EndRowCore();

    private int Next(ColumnType type)
    {
        if (_column >= Columns.Count) throw new InvalidOperationException($"more values than the {Columns.Count} columns");
        var column = Columns[_column];
        if (column.Type != type) throw new InvalidOperationException($"column {column.Name} is {column.Type}, written as {type}");
        return _column++;
    }
}
