namespace ImbLab.Core;

public enum AttributeKind
{
    Numeric,
    Nominal,
}

/// <summary>An input attribute as declared by (or inferred from) the file. Levels are empty for numeric attributes.</summary>
public sealed record AttributeInfo(string Name, AttributeKind Kind, IReadOnlyList<string> Levels);

/// <summary>
/// A table as read from a file, before any encoding: what every reader returns.
/// Cells are row-major (<see cref="Rows"/> x <see cref="Attributes"/>.Count): the number for a numeric
/// attribute, the level index for a nominal one, and NaN for a missing value.
/// </summary>
public sealed class RawTable
{
    public RawTable(
        string source,
        string name,
        IReadOnlyList<AttributeInfo> attributes,
        IReadOnlyList<string> classNames,
        double[] cells,
        int[] labels,
        int[] lineNumbers,
        IReadOnlyList<string>? rowSources = null)
    {
        if (cells.Length != labels.Length * attributes.Count)
            throw new ArgumentException($"cells has {cells.Length} values, expected {labels.Length} x {attributes.Count}", nameof(cells));
        if (lineNumbers.Length != labels.Length)
            throw new ArgumentException("one line number per row is required", nameof(lineNumbers));
        if (rowSources is not null && rowSources.Count != labels.Length)
            throw new ArgumentException("one row source per row is required", nameof(rowSources));
        Source = source;
        Name = name;
        Attributes = attributes;
        ClassNames = classNames;
        Cells = cells;
        Labels = labels;
        LineNumbers = lineNumbers;
        RowSources = rowSources;
    }

    /// <summary>The file the table came from (as given by the user), used in every error message.</summary>
    public string Source { get; }

    /// <summary>The dataset's name: the file name without extension.</summary>
    public string Name { get; }

    public IReadOnlyList<AttributeInfo> Attributes { get; }

    /// <summary>Class labels; <see cref="Labels"/> holds indices into this list.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public double[] Cells { get; }

    public int[] Labels { get; }

    /// <summary>The 1-based line of the source file each row came from.</summary>
    public int[] LineNumbers { get; }

    /// <summary>
    /// The file each row came from, when a table combines several files (a KEEL fold's training and test
    /// parts); null means every row came from <see cref="Source"/>. Lets error messages about a row name
    /// the right file next to its <see cref="LineNumbers"/> entry.
    /// </summary>
    public IReadOnlyList<string>? RowSources { get; }

    /// <summary>The file row <paramref name="row"/> came from.</summary>
    public string SourceOf(int row) => RowSources is null ? Source : RowSources[row];

    public int Rows => Labels.Length;

    public double Cell(int row, int attribute) => Cells[row * Attributes.Count + attribute];

    public int[] ClassCounts()
    {
        var counts = new int[ClassNames.Count];
        foreach (var y in Labels) counts[y]++;
        return counts;
    }
}

/// <summary>
/// Rows ready for the engine: float32 features, row-major, standardised/one-hot encoded with statistics
/// fitted on the training part only. <see cref="RowIds"/> maps each row back to its row in the raw table,
/// so per-sample signals keep their identity across protocols.
/// </summary>
public sealed class EncodedSet
{
    public EncodedSet(float[] features, int featureCount, int[] labels, int classCount, int[] rowIds)
    {
        if (features.Length != labels.Length * featureCount)
            throw new ArgumentException($"features has {features.Length} values, expected {labels.Length} x {featureCount}", nameof(features));
        if (rowIds.Length != labels.Length) throw new ArgumentException("one row id per row is required", nameof(rowIds));
        Features = features;
        FeatureCount = featureCount;
        Labels = labels;
        ClassCount = classCount;
        RowIds = rowIds;
    }

    public float[] Features { get; }
    public int FeatureCount { get; }
    public int[] Labels { get; }
    public int ClassCount { get; }
    public int[] RowIds { get; }
    public int Rows => Labels.Length;

    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (var y in Labels) counts[y]++;
        return counts;
    }
}

public static class ClassCountsExtensions
{
    /// <summary>
    /// The minority class: the smallest count, never taken from a label's name. Ties go to the higher index, so
    /// on balanced binary data the minority is the other class than <see cref="Majority"/> picks.
    /// </summary>
    public static int Minority(this IReadOnlyList<int> counts)
    {
        var best = counts.Count - 1;
        for (var c = counts.Count - 2; c >= 0; c--)
            if (counts[c] < counts[best]) best = c;
        return best;
    }

    /// <summary>The majority class: the largest count, ties broken by the lower index.</summary>
    public static int Majority(this IReadOnlyList<int> counts)
    {
        var best = 0;
        for (var c = 1; c < counts.Count; c++)
            if (counts[c] > counts[best]) best = c;
        return best;
    }

    /// <summary>Imbalance ratio: largest count over smallest (infinity if a class is empty).</summary>
    public static double ImbalanceRatio(this IReadOnlyList<int> counts)
    {
        var min = counts[counts.Minority()];
        var max = counts[counts.Majority()];
        return min == 0 ? double.PositiveInfinity : (double)max / min;
    }
}
