using System.Globalization;
using ImbLab.Analysis.Statistics;

namespace ImbLab.Report;

internal sealed partial class ReportComposer
{
    private const int MinDatasets = 3;

    /// <summary>
    /// Comparisons across datasets on a per-dataset summary (final minority test recall, mean over runs): two
    /// conditions by Wilcoxon signed-rank, three or more by Friedman with Holm-adjusted pairwise Wilcoxon post-hoc.
    /// Families: each protocol across its IR levels, and each IR level across protocols. The tests are the shared
    /// ones of ImbLab.Analysis.Statistics (scipy 1.10's conventions); the caption states their variants.
    /// </summary>
    private void AcrossDatasets()
    {
        _html.Append("<section id=\"across\"><h2>Across datasets</h2>");
        var datasets = study.Datasets.Select(d => d.DatasetId).ToList();
        var families = new List<(string Title, List<(string Label, (string, string) Key)> Conditions)>();
        var levels = study.Groups.GroupBy(g => (g.Protocol, g.Level)).Select(g => (g.Key.Protocol, g.Key.Level, g.First().LevelLabel, g.Average(x => x.Ir))).ToList();
        foreach (var p in levels.GroupBy(l => l.Protocol))
            families.Add(($"{p.Key}: IR levels", p.OrderBy(l => l.Item4).Select(l => (l.LevelLabel, (l.Protocol, l.Level))).ToList()));
        foreach (var l in levels.GroupBy(l => l.Level).Where(l => l.Count() > 1))
            families.Add(($"{l.First().LevelLabel}: protocols", l.Select(x => (x.Protocol, (x.Protocol, x.Level))).ToList()));

        if (datasets.Count < MinDatasets)
        {
            _html.Append($"<p class=\"caption\">The cross-dataset tests need at least {MinDatasets} datasets; this study has {datasets.Count.ToString(CultureInfo.InvariantCulture)}.</p></section>");
            return;
        }
        _html.Append("<p class=\"caption\">Per dataset, the final minority test recall (mean over runs) of each condition. Two conditions: Wilcoxon signed-rank; three or more: Friedman, then pairwise Wilcoxon with Holm's adjustment. ")
            .Append("Wilcoxon: zero differences dropped, W = min(W+, W−); the p-value is exact when at most 25 differences remain and none of their sizes tie, ")
            .Append("else the normal approximation with the tie-corrected variance and no continuity correction (the test column says which). ")
            .Append("Friedman: the chi-square approximation with the tie correction, which is rough with few datasets. Only datasets with every condition of a family count.</p>");
        var any = false;
        foreach (var (title, conditions) in families.Where(f => f.Conditions.Count >= 2))
        {
            var rows = datasets.Select(d => conditions.Select(c => _acrossDatasets.TryGetValue(c.Key, out var v) && v.TryGetValue(d, out var x) ? x : double.NaN).ToArray())
                .Where(r => r.All(x => !double.IsNaN(x))).ToList();
            if (rows.Count < MinDatasets) continue;
            any = true;
            _html.Append($"<h3>{Html.E(title)}</h3>");
            var pairs = new List<(int A, int B, double Median, TestResult Test)>();
            for (var a = 0; a < conditions.Count; a++)
                for (var b = a + 1; b < conditions.Count; b++)
                {
                    var differences = rows.Select(r => r[a] - r[b]).ToArray();
                    pairs.Add((a, b, Descriptive.Median(differences), RankTests.Wilcoxon(differences)));
                }
            var holm = MultipleTesting.Holm(pairs.Select(p => p.Test.PValue).ToArray());
            if (conditions.Count >= 3)
            {
                var friedman = RankTests.Friedman(rows);
                var ranks = MeanRanks(rows);
                _html.Append($"<p>Friedman over {conditions.Count.ToString(CultureInfo.InvariantCulture)} conditions, {rows.Count.ToString(CultureInfo.InvariantCulture)} datasets: χ² = {Html.Num(friedman.Statistic, "0.00")}, df = {(conditions.Count - 1).ToString(CultureInfo.InvariantCulture)}, p = {PValue(friedman.PValue)}. Mean ranks (1 = lowest recall): ")
                    .Append(Html.E(string.Join(", ", conditions.Select((c, i) => $"{c.Label} {ranks[i].ToString("0.00", CultureInfo.InvariantCulture)}")))).Append(".</p>");
            }
            _html.Append("<table><thead><tr><th class=\"l\">A</th><th class=\"l\">B</th><th>datasets</th><th>non-zero</th><th>median A−B</th><th>W</th><th>p</th><th class=\"l\">test</th>")
                .Append(conditions.Count >= 3 ? "<th>p (Holm)</th>" : "").Append("</tr></thead><tbody>");
            for (var i = 0; i < pairs.Count; i++)
            {
                var p = pairs[i];
                _html.Append($"<tr><td class=\"l\">{Html.E(conditions[p.A].Label)}</td><td class=\"l\">{Html.E(conditions[p.B].Label)}</td><td>{rows.Count.ToString(CultureInfo.InvariantCulture)}</td><td>{p.Test.N.ToString(CultureInfo.InvariantCulture)}</td>")
                    .Append($"<td>{Html.Num(p.Median)}</td><td>{Html.Num(p.Test.Statistic, "0.#")}</td><td>{PValue(p.Test.PValue)}</td><td class=\"l\">{Html.E(p.Test.Method)}</td>")
                    .Append(conditions.Count >= 3 ? $"<td>{PValue(holm[i])}</td>" : "").Append("</tr>");
            }
            _html.Append("</tbody></table>");
        }
        if (!any) _html.Append($"<p class=\"caption\">No family of conditions was measured on {MinDatasets} or more datasets.</p>");
        _html.Append("</section>");
    }

    /// <summary>Each condition's rank within a dataset (1 = lowest, ties averaged), averaged over the datasets.</summary>
    internal static double[] MeanRanks(IReadOnlyList<double[]> rows)
    {
        var sums = new double[rows.Count == 0 ? 0 : rows[0].Length];
        foreach (var row in rows)
        {
            var r = RankTests.Ranks(row);
            for (var j = 0; j < sums.Length; j++) sums[j] += r[j];
        }
        return sums.Select(s => s / rows.Count).ToArray();
    }
}
