using System.Globalization;
using ImbLab.Core;
using ImbLab.Data.Readers;

namespace ImbLab.Data.Predictions;

/// <summary>
/// A CSV of true labels with either one score column (binary: the positive class's score) or one probability
/// column per class (named by the class label, or p_LABEL). Turned into the probabilities the monitor's metric
/// code takes, so `imblab evaluate` and training report the same numbers by the same code.
/// </summary>
internal sealed record Predictions(
    IReadOnlyList<string> ClassNames,
    int[] Labels,
    float[] Probabilities,
    double[] Loss,
    int PositiveClass,
    string Kind);

internal static class PredictionsFile
{
    public static Predictions Read(string path, string labelColumn = "label", string? scoreColumn = null, string? positive = null)
    {
        if (!File.Exists(path)) throw new UsageException(Settings.Predictions, $"{path}: no such file");
        // The same CSV reader as for datasets: delimiter detection, quoting, and file:line:column errors.
        var table = TableReader.Read(path, new ReadOptions(labelColumn));
        var header = table.Attributes.Select(a => a.Name).ToArray();
        foreach (var (attribute, column) in table.Attributes.Select((a, i) => (a, i)))
            if (attribute.Kind != AttributeKind.Numeric)
                throw new DataFileException(path, null, null, $"column '{attribute.Name}' is not numeric; every column but the label must hold scores or probabilities");
        for (var row = 0; row < table.Rows; row++)
            for (var column = 0; column < header.Length; column++)
                if (double.IsNaN(table.Cell(row, column)))
                    throw new DataFileException(path, table.LineNumbers[row], null, $"missing value in column '{header[column]}'");

        var rows = new List<(int Line, string Label, double[] Fields)>(table.Rows);
        for (var row = 0; row < table.Rows; row++)
            rows.Add((table.LineNumbers[row], table.ClassNames[table.Labels[row]], table.Cells.AsSpan(row * header.Length, header.Length).ToArray()));

        scoreColumn ??= header.Any(h => h.Equals("score", StringComparison.OrdinalIgnoreCase)) ? "score" : null;
        return scoreColumn is not null
            ? FromScores(path, header, rows, scoreColumn, positive)
            : FromProbabilities(path, header, rows, positive);
    }

    private static Predictions FromScores(string path, string[] header, List<(int Line, string Label, double[] Fields)> rows,
        string scoreColumn, string? positive)
    {
        var scoreIndex = Array.FindIndex(header, h => h.Equals(scoreColumn, StringComparison.OrdinalIgnoreCase));
        if (scoreIndex < 0) throw new DataFileException(path, 1, null, $"no score column '{scoreColumn}'; columns are {string.Join(", ", header)}");
        var classNames = rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (positive is not null && !classNames.Contains(positive)) classNames.Add(positive);
        if (classNames.Count != 2)
            throw new DataFileException(path, null, null, $"a score column needs exactly 2 classes, found {classNames.Count} ({string.Join(", ", classNames.Take(5))}); give one probability column per class instead");
        var labels = rows.Select(r => classNames.IndexOf(r.Label)).ToArray();
        var positiveClass = positive is not null ? classNames.IndexOf(positive) : Counts(labels, 2).Minority();
        var scores = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++) scores[i] = rows[i].Fields[scoreIndex];
        var isProbability = scores.All(s => s is >= 0 and <= 1);

        // Probabilities are used as they are; any other score is read as a logit (sigmoid), which keeps its ranking
        // (so the AUCs) and puts the decision at score 0. Log loss is defined only for probabilities.
        var probabilities = new float[rows.Count * 2];
        var loss = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var p = isProbability ? scores[i] : 1 / (1 + Math.Exp(-scores[i]));
            probabilities[i * 2 + positiveClass] = (float)p;
            probabilities[i * 2 + (1 - positiveClass)] = (float)(1 - p);
            loss[i] = isProbability ? -Math.Log(Math.Max(labels[i] == positiveClass ? p : 1 - p, 1e-12)) : double.NaN;
        }
        return new Predictions(classNames, labels, probabilities, loss, positiveClass, isProbability ? "probability score" : "score (read as a logit)");
    }

    private static Predictions FromProbabilities(string path, string[] header, List<(int Line, string Label, double[] Fields)> rows,
        string? positive)
    {
        var columns = new List<(int Index, string Class)>();
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i];
            foreach (var prefix in new[] { "p_", "prob_" })
                if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) name = name[prefix.Length..];
            columns.Add((i, name));
        }
        if (columns.Count < 2)
            throw new DataFileException(path, 1, null, "expected a 'score' column or one probability column per class (named by the class label or p_LABEL)");
        var classNames = columns.Select(c => c.Class).ToList();
        var unknown = rows.FirstOrDefault(r => !classNames.Contains(r.Label));
        if (unknown.Fields is not null)
            throw new DataFileException(path, unknown.Line, null, $"label '{unknown.Label}' has no probability column; columns are {string.Join(", ", classNames)} (expected a 'score' column, or one probability column per class named by the class or p_<class>)");
        var c = classNames.Count;
        var labels = rows.Select(r => classNames.IndexOf(r.Label)).ToArray();
        var probabilities = new float[rows.Count * c];
        var loss = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var sum = 0.0;
            for (var k = 0; k < c; k++)
            {
                var p = rows[i].Fields[columns[k].Index];
                if (p is < 0 or > 1) throw new DataFileException(path, rows[i].Line, columns[k].Index + 1, $"probability {p.ToString(CultureInfo.InvariantCulture)} is outside [0, 1]");
                probabilities[i * c + k] = (float)p;
                sum += p;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                throw new DataFileException(path, rows[i].Line, null, $"the class probabilities sum to {sum.ToString("G6", CultureInfo.InvariantCulture)}, expected 1 (within 0.001)");
            loss[i] = -Math.Log(Math.Max(probabilities[i * c + labels[i]], 1e-12));
        }
        var positiveClass = positive is null ? Counts(labels, c).Minority()
            : classNames.IndexOf(positive) is var pc and >= 0 ? pc
            : throw new UsageException(Settings.Positive, $"'{positive}' is not a class; classes are {string.Join(", ", classNames)}");
        return new Predictions(classNames, labels, probabilities, loss, positiveClass, "class probabilities");
    }

    private static int[] Counts(int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var y in labels) counts[y]++;
        return counts;
    }
}
