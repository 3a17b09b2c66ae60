using System.Globalization;
using ImbLab.Core;

namespace ImbLab.Data.Encoding;

/// <summary>What to do with a missing cell: refuse the data, or fill it from the training rows.</summary>
public enum MissingPolicy
{
    Error,
    Impute,
}

/// <summary>
/// Turns a raw table into float32 features with statistics from the training rows only, so nothing about the
/// test rows leaks into training: numeric attributes are standardised (population std; a constant column is
/// divided by 1 and so becomes 0, as scikit-learn's StandardScaler does), nominal attributes are one-hot over
/// their declared levels (a level unseen in training simply gets an all-zero column in training).
/// </summary>
public sealed class TableEncoder
{
    private readonly IReadOnlyList<AttributeInfo> _attributes;
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly int[] _offset;
    private readonly double[] _fill;
    private readonly MissingPolicy _policy;

    private TableEncoder(IReadOnlyList<AttributeInfo> attributes, double[] mean, double[] scale, double[] fill, MissingPolicy policy)
    {
        _attributes = attributes;
        _mean = mean;
        _scale = scale;
        _fill = fill;
        _policy = policy;
        _offset = new int[attributes.Count];
        var names = new List<string>();
        for (var j = 0; j < attributes.Count; j++)
        {
            _offset[j] = names.Count;
            var a = attributes[j];
            if (a.Kind == AttributeKind.Numeric) names.Add(a.Name);
            else names.AddRange(a.Levels.Select(level => $"{a.Name}={level}"));
        }
        FeatureNames = names;
    }

    public IReadOnlyList<string> FeatureNames { get; }

    public int FeatureCount => FeatureNames.Count;

    /// <summary>
    /// The encoded columns of each nominal attribute, in attribute order: its first column and its number of levels
    /// (every declared level has a column). SMOTE-NC sets such a group as one category, not by interpolation.
    /// </summary>
    public IReadOnlyList<(int Start, int Length)> OneHotGroups =>
        [.. _attributes.Select((a, j) => (a, j)).Where(p => p.a.Kind == AttributeKind.Nominal).Select(p => (_offset[p.j], p.a.Levels.Count))];

    /// <summary>Training mean of each numeric attribute (NaN for nominal ones), over its non-missing training values.</summary>
    public IReadOnlyList<double> Means => _mean;

    /// <summary>The divisor of each numeric attribute: training population std, or 1 when that is 0 (NaN for nominal ones).</summary>
    public IReadOnlyList<double> Scales => _scale;

    public static TableEncoder Fit(RawTable table, IReadOnlyList<int> trainRows, MissingPolicy policy)
    {
        if (trainRows.Count == 0) throw new ArgumentException("at least one training row is required", nameof(trainRows));
        if (policy == MissingPolicy.Error) ThrowOnFirstMissing(table, Enumerable.Range(0, table.Rows));

        RequireBoundedWidth(table);
        var width = table.Attributes.Count;
        var mean = new double[width];
        var scale = new double[width];
        var fill = new double[width];
        for (var j = 0; j < width; j++)
        {
            var attribute = table.Attributes[j];
            if (attribute.Kind == AttributeKind.Numeric)
            {
                var (m, std) = Moments(table, trainRows, j);
                if (!double.IsFinite(m) || !double.IsFinite(std))
                    throw new DataFileException(table.Source, null, j + 1,
                        $"attribute '{attribute.Name}' has a non-finite training {(double.IsFinite(m) ? "standard deviation" : "mean")} ({m.ToString("R", CultureInfo.InvariantCulture)}, {std.ToString("R", CultureInfo.InvariantCulture)}); accepted: values whose spread fits a double (|x| below about 1e308)");
                mean[j] = m;
                scale[j] = std > 0 ? std : 1.0;
                fill[j] = m;
            }
            else
            {
                var counts = new int[attribute.Levels.Count];
                var seen = false;
                foreach (var r in trainRows)
                {
                    var v = table.Cell(r, j);
                    if (double.IsNaN(v)) continue;
                    counts[(int)v]++;
                    seen = true;
                }
                if (!seen) throw NoTrainingValues(table, j);
                mean[j] = double.NaN;
                scale[j] = double.NaN;
                fill[j] = counts.AsSpan().IndexOf(counts.Max()); // ties go to the lowest level index
            }
        }
        return new TableEncoder(table.Attributes, mean, scale, fill, policy);
    }

    /// <summary>
    /// Mean and population std of attribute <paramref name="j"/> over its non-missing training values; throws
    /// when every one is missing.
    /// </summary>
    private static (double Mean, double Std) Moments(RawTable table, IReadOnlyList<int> trainRows, int j)
    {
        // Two passes: the textbook one-pass formula loses digits on columns with a large offset.
        double sum = 0;
        var count = 0;
        foreach (var r in trainRows)
        {
            var v = table.Cell(r, j);
            if (double.IsNaN(v)) continue;
            sum += v;
            count++;
        }
        if (count == 0) throw NoTrainingValues(table, j);
        var m = sum / count;
        double squares = 0;
        foreach (var r in trainRows)
        {
            var v = table.Cell(r, j);
            if (!double.IsNaN(v)) squares += (v - m) * (v - m);
        }
        // This plain formula stays for every column where it is finite, so ordinary data keeps its exact bits
        // (the pinned study results depend on them); only a column whose sum or squares overflow (values near
        // 1e154 and beyond) takes the scaled path.
        if (double.IsFinite(sum) && double.IsFinite(squares)) return (m, Math.Sqrt(squares / count));
        return ScaledMoments(table, trainRows, j, count);
    }

    /// <summary>
    /// The same two passes on values divided by the largest magnitude, so no partial sum or square can overflow
    /// (every scaled value lies in [-1, 1]); the results are scaled back, and the std, at most that magnitude, stays finite.
    /// </summary>
    private static (double Mean, double Std) ScaledMoments(RawTable table, IReadOnlyList<int> trainRows, int j, int count)
    {
        double maxAbs = 0;
        foreach (var r in trainRows)
        {
            var v = table.Cell(r, j);
            if (!double.IsNaN(v)) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        }
        double sum = 0;
        foreach (var r in trainRows)
        {
            var v = table.Cell(r, j);
            if (!double.IsNaN(v)) sum += v / maxAbs;
        }
        var scaledMean = sum / count;
        double squares = 0;
        foreach (var r in trainRows)
        {
            var v = table.Cell(r, j);
            if (double.IsNaN(v)) continue;
            var d = v / maxAbs - scaledMean;
            squares += d * d;
        }
        return (scaledMean * maxAbs, Math.Sqrt(squares / count) * maxAbs);
    }

    public EncodedSet Transform(RawTable table, int[] rows)
    {
        if (!SameSchema(table.Attributes))
            throw new ArgumentException("the table's attributes differ from the ones the encoder was fitted on", nameof(table));
        if (_policy == MissingPolicy.Error) ThrowOnFirstMissing(table, rows);

        var width = FeatureCount;
        var features = new float[rows.Length * width];
        var labels = new int[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            var output = features.AsSpan(i * width, width);
            for (var j = 0; j < _attributes.Count; j++)
            {
                var v = table.Cell(r, j);
                if (double.IsNaN(v)) v = _fill[j];
                if (_attributes[j].Kind == AttributeKind.Numeric)
                {
                    var z = (float)((v - _mean[j]) / _scale[j]);
                    // v - mean can overflow when both are huge and of opposite signs; dividing first cannot, and
                    // is only taken then so ordinary values keep their exact bits.
                    if (!float.IsFinite(z)) z = (float)(v / _scale[j] - _mean[j] / _scale[j]);
                    if (!float.IsFinite(z)) throw NonFiniteFeature(table, r, j, v);
                    output[_offset[j]] = z;
                }
                else
                    output[_offset[j] + (int)v] = 1f;
            }
            labels[i] = table.Labels[r];
        }
        return new EncodedSet(features, width, labels, table.ClassNames.Count, (int[])rows.Clone());
    }

    private bool SameSchema(IReadOnlyList<AttributeInfo> attributes)
    {
        if (attributes.Count != _attributes.Count) return false;
        for (var j = 0; j < attributes.Count; j++)
        {
            var a = attributes[j];
            var b = _attributes[j];
            if (a.Name != b.Name || a.Kind != b.Kind || !a.Levels.SequenceEqual(b.Levels)) return false;
        }
        return true;
    }

    private static void ThrowOnFirstMissing(RawTable table, IEnumerable<int> rows)
    {
        var width = table.Attributes.Count;
        foreach (var r in rows)
            for (var j = 0; j < width; j++)
                if (double.IsNaN(table.Cells[r * width + j]))
                    throw new DataFileException(table.SourceOf(r), table.LineNumbers[r], j + 1,
                        $"missing value for attribute '{table.Attributes[j].Name}'; use {Settings.Mention(Settings.Impute)} to fill missing values with the training mean (numeric) or mode (nominal)");
    }

    /// <summary>
    /// One-hot encoding can widen a table far beyond its columns (an identifier column read as nominal has a level
    /// per row), so the encoded width is held to the readers' attribute limit for the same reason: memory.
    /// </summary>
    private static void RequireBoundedWidth(RawTable table)
    {
        long features = 0;
        var widest = 0;
        for (var j = 0; j < table.Attributes.Count; j++)
        {
            var a = table.Attributes[j];
            features += a.Kind == AttributeKind.Numeric ? 1 : a.Levels.Count;
            if (a.Levels.Count > table.Attributes[widest].Levels.Count) widest = j;
        }
        if (features <= Readers.ReaderText.MaxAttributes) return;
        var w = table.Attributes[widest];
        throw new DataFileException(table.Source, null, widest + 1,
            $"encoding gives {features} features, more than the {Readers.ReaderText.MaxAttributes} supported; attribute '{w.Name}' alone is one-hot encoded into {w.Levels.Count} levels; accepted: nominal attributes with fewer levels (drop identifier-like columns)");
    }

    private DataFileException NonFiniteFeature(RawTable table, int row, int j, double v) =>
        new(table.SourceOf(row), table.LineNumbers[row], j + 1,
            $"value {v.ToString("R", CultureInfo.InvariantCulture)} of attribute '{_attributes[j].Name}' is {Math.Abs((v - _mean[j]) / _scale[j]).ToString("G3", CultureInfo.InvariantCulture)} training standard deviations from the training mean {_mean[j].ToString("G6", CultureInfo.InvariantCulture)}, beyond what a float32 feature holds (about 3.4e38); accepted: values within that range of the training rows");

    private static DataFileException NoTrainingValues(RawTable table, int attribute) =>
        new(table.Source, null, attribute + 1,
            $"attribute '{table.Attributes[attribute].Name}' is missing in every training row, so there is nothing to impute it from; drop the column or supply values");
}
