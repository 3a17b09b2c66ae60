using System.Globalization;
using ImbLab.Core;
using ImbLab.Data.Readers;

namespace ImbLab.Data.Predictions;

/// <summary>
/// A CSV of true labels with either one score column or one probability column per class (named by the class label,
/// or p_LABEL). A score is the score of one stated class, <see cref="ScoreClass"/>: the greater of the two labels, as
/// in scikit-learn's binary convention (classes sorted, numerically when every label is a number; the score is for
/// classes_[1]), unless the caller names it. Turned into the probabilities the monitor's metric code takes, so
/// `imblab evaluate` and training report the same numbers by the same code.
/// </summary>
public sealed record Predictions(
    IReadOnlyList<string> ClassNames,
    int[] Labels,
    float[] Probabilities,
    double[] Loss,
    int PositiveClass,
    string Kind,
    int? ScoreClass = null);

public static class PredictionsFile
{
    public static Predictions Read(string path, string? labelColumn = null, string? scoreColumn = null, string? positive = null,
        string? scoreClass = null)
    {
        if (!File.Exists(path)) throw new UsageException(Settings.Predictions, $"{path}: no such file");
        labelColumn ??= DefaultLabelColumn(path, scoreColumn ?? "score");
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
        if (scoreColumn is null && scoreClass is not null)
            throw new UsageException(Settings.ScoreClass, $"{path}: there is no score column (columns are {string.Join(", ", header)}); the option applies to a 'score' column (or the one named by --score-column)");
        return scoreColumn is not null
            ? FromScores(path, header, rows, scoreColumn, positive, scoreClass)
            : FromProbabilities(path, header, rows, positive);
    }

    /// <summary>
    /// The label column when none is named: 'label' if the header has it; otherwise, in a file of two columns one of
    /// which is the score, the other one.
    /// </summary>
    private static string DefaultLabelColumn(string path, string scoreColumn)
    {
        if (TableReader.For(path) is not CsvTableReader) return "label"; // KEEL and ARFF name their own class attribute
        var names = CsvTableReader.ColumnNames(path, ReadOptions.Default);
        if (names.Any(n => n.Equals("label", StringComparison.OrdinalIgnoreCase))) return "label";
        var score = names.Where(n => n.Equals(scoreColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        if (names.Count == 2 && score.Count == 1) return names.First(n => n != score[0]);
        throw new DataFileException(path, 1, null,
            $"no 'label' column (columns are {string.Join(", ", names)}); name the column of true labels with {Settings.Mention(Settings.LabelColumn)}; accepted without it: a 'label' column, or two columns of which one is 'score'");
    }

    /// <summary>
    /// Labels sorted as scikit-learn's np.unique sorts them: numerically when every one is a number, otherwise by
    /// ordinal string order; so for labels 0/1 (or -1/1, or neg/pos) classes_[1] is 1 (or 1, or pos).
    /// </summary>
    private static List<string> SortLabels(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToList();
        var numbers = distinct.Select(l => ReaderText.TryNumber(l, out var v) ? v : (double?)null).ToList();
        return numbers.All(n => n is not null)
            ? distinct.Zip(numbers).OrderBy(t => t.Second!.Value).ThenBy(t => t.First, StringComparer.Ordinal).Select(t => t.First).ToList()
            : distinct.Order(StringComparer.Ordinal).ToList();
    }

    private static Predictions FromScores(string path, string[] header, List<(int Line, string Label, double[] Fields)> rows,
        string scoreColumn, string? positive, string? scoreClass)
    {
        var scoreIndex = Array.FindIndex(header, h => h.Equals(scoreColumn, StringComparison.OrdinalIgnoreCase));
        if (scoreIndex < 0) throw new DataFileException(path, 1, null, $"no score column '{scoreColumn}'; columns are {string.Join(", ", header)}");
        var present = rows.Select(r => r.Label).Distinct(StringComparer.Ordinal).ToList();
        // A class named by an option but absent from the rows (a file of one class) is still one of the two.
        var classNames = SortLabels(present.Concat(new[] { scoreClass, positive }.OfType<string>()));
        if (classNames.Count != 2)
        {
            var extra = classNames.Count > present.Count ? $" with the class named by {Settings.Mention(scoreClass is not null && !present.Contains(scoreClass) ? Settings.ScoreClass : Settings.Positive)}" : "";
            throw new DataFileException(path, null, null, $"a score column needs exactly 2 classes, found {classNames.Count}{extra} ({string.Join(", ", classNames.Take(5))}); give one probability column per class instead");
        }
        var labels = rows.Select(r => classNames.IndexOf(r.Label)).ToArray();
        // The score is for the greater label unless named; AUCs are for that class unless --positive names another.
        var scored = scoreClass is null ? 1 : classNames.IndexOf(scoreClass);
        var positiveClass = positive is null ? scored : classNames.IndexOf(positive);
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
            probabilities[i * 2 + scored] = (float)p;
            probabilities[i * 2 + (1 - scored)] = (float)(1 - p);
            loss[i] = isProbability ? -Math.Log(Math.Max(labels[i] == scored ? p : 1 - p, 1e-12)) : double.NaN;
        }
        return new Predictions(classNames, labels, probabilities, loss, positiveClass,
            isProbability ? $"probability score of class {classNames[scored]}" : $"score of class {classNames[scored]} (read as a logit)", scored);
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
