using System.Globalization;
using System.Text;
using ImbLab.Analysis.Findings;
using ImbLab.Core;
using ImbLab.Core.Results;

namespace ImbLab.Report;

/// <summary>What a comparison wrote.</summary>
public sealed record CompareResult(string StudyA, string StudyB, string HtmlPath, string FiguresFolder, int Figures, IReadOnlyList<string> Datasets, int Findings);

/// <summary>One side of a comparison: a study read from a store, and the findings shown for it.</summary>
internal sealed record CompareSide(string Label, string Store, StudyData Data, IReadOnlyList<FindingRow> Findings)
{
    public string Name => ReportInputs.From(Data).Name;
}

/// <summary>A finding of either study, keyed by dataset, protocol, remedy and finding name, with each side's row (null when that study has none).</summary>
internal sealed record FindingPair(string Dataset, string Protocol, string Remedy, string Finding, FindingRow? A, FindingRow? B)
{
    public bool Differs => A is null || B is null || A.Verdict != B.Verdict;
}

/// <summary>Two studies side by side: curves of the conditions both ran, overlaid, and the findings of both.</summary>
internal sealed record CompareModel(CompareSide A, CompareSide B, IReadOnlyList<string> Datasets, IReadOnlyList<string> Notes, IReadOnlyList<FigureGroup> Curves,
    IReadOnlyList<FindingPair> Findings)
{
    public IEnumerable<FigureModel> Figures => Curves.SelectMany(g => g.Grid.Figures);

    private const int MaxCurvePoints = 60;

    /// <summary>
    /// Pairs the studies by dataset name, then by protocol, remedy and level. Refuses, with what each side has, when
    /// they share no dataset, or when both sides are the same study of the same store.
    /// </summary>
    public static CompareModel Build(CompareSide a, CompareSide b, CancellationToken cancellationToken = default)
    {
        if (a.Data.StudyId == b.Data.StudyId && string.Equals(Path.GetFullPath(a.Store), Path.GetFullPath(b.Store), StringComparison.Ordinal))
            throw new ImbLabException($"compare: both sides are study {a.Data.StudyId} of {a.Store}; give a second store or --study-b with another study of the same store");
        var namesA = a.Data.Datasets.Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var namesB = b.Data.Datasets.Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var common = namesA.Intersect(namesB, StringComparer.Ordinal).ToList();
        if (common.Count == 0)
            throw new ImbLabException($"compare: the studies have no dataset in common: A (study {a.Data.StudyId} of {a.Store}) has {List(namesA)}; " +
                                      $"B (study {b.Data.StudyId} of {b.Store}) has {List(namesB)}");
        var notes = new List<string>();
        foreach (var name in common)
        {
            var fa = a.Data.Datasets.First(d => d.Name == name).Fingerprint;
            var fb = b.Data.Datasets.First(d => d.Name == name).Fingerprint;
            if (fa != fb) notes.Add($"{name}: the two studies read different files under this name (fingerprints {Short(fa)} vs {Short(fb)})");
        }
        var only = namesA.Except(common).Select(n => $"{n} (A only)").Concat(namesB.Except(common).Select(n => $"{n} (B only)")).ToList();
        if (only.Count > 0) notes.Add($"not compared, one study only: {string.Join(", ", only)}");

        var groupsA = ReportInputs.From(a.Data).Groups;
        var groupsB = ReportInputs.From(b.Data).Groups;
        var curves = new List<FigureGroup>();
        foreach (var (name, d) in common.Select((n, i) => (n, i)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var byKey = groupsB.Where(g => g.Dataset.Name == name).ToDictionary(g => (g.PlainProtocol, g.Remedy, g.Level));
            var pairs = groupsA.Where(g => g.Dataset.Name == name && byKey.ContainsKey((g.PlainProtocol, g.Remedy, g.Level)))
                .Select(g => (A: g, B: byKey[(g.PlainProtocol, g.Remedy, g.Level)])).ToList();
            if (pairs.Count == 0)
            {
                notes.Add($"{name}: no protocol, remedy and level that both studies ran");
                continue;
            }
            foreach (var condition in pairs.GroupBy(p => (p.A.PlainProtocol, p.A.Remedy)))
            {
                var figures = condition.OrderBy(p => p.A.Ir).SelectMany(p => new[] { "train", "test" }.Select(split =>
                    Overlay(p.A, p.B, split, $"cmp-d{d.ToString(CultureInfo.InvariantCulture)}-{ReportModel.Slug(name)}-{ReportModel.Slug(p.A.PlainProtocol)}-{ReportModel.Slug(p.A.Remedy)}-{ReportModel.Slug(p.A.Level)}-{split}")))
                    .OfType<FigureModel>().ToList();
                if (figures.Count == 0) continue;
                var heading = condition.Key.Remedy == RemedyFindings.None ? $"{name}, {condition.Key.PlainProtocol}" : $"{name}, {condition.Key.PlainProtocol}, remedy {condition.Key.Remedy}";
                curves.Add(new FigureGroup(heading, new FigureGrid(figures)));
            }
        }

        var keyed = new Dictionary<(string, string, string, string), (FindingRow? A, FindingRow? B)>();
        var order = new List<(string, string, string, string)>();
        void Add(FindingRow f, bool isA)
        {
            if (!common.Contains(f.Dataset) && f.Dataset != RemedyFindings.AcrossDatasets) return;
            var key = (f.Dataset, f.Protocol, f.Remedy, f.Finding);
            if (!keyed.TryGetValue(key, out var pair)) { order.Add(key); pair = (null, null); }
            keyed[key] = isA ? (f, pair.B) : (pair.A, f);
        }
        foreach (var f in a.Findings) Add(f, true);
        foreach (var f in b.Findings) Add(f, false);
        var findings = order.Select(k => new FindingPair(k.Item1, k.Item2, k.Item3, k.Item4, keyed[k].A, keyed[k].B)).ToList();
        return new CompareModel(a, b, common, notes, curves, findings);
    }

    private static string List(IReadOnlyList<string> names) => names.Count == 0 ? "no dataset" : names.Count <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(8))} and {names.Count - 8} more";

    private static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] : fingerprint;

    /// <summary>Per-class recall on one split for the same condition of both studies: colour = class, solid = A, long dashes = B.</summary>
    private static FigureModel? Overlay(RunGroup a, RunGroup b, string split, string slug)
    {
        var series = new List<LineSeries>();
        foreach (var (g, side, pattern) in new[] { (a, "A", 0), (b, "B", 4) })
        {
            var metrics = new GroupMetrics(g);
            foreach (var c in g.Classes)
                if (metrics.Summarise(split, c, "recall") is { } curve && curve.Mean.Any(double.IsFinite))
                    series.Add(new LineSeries($"{g.ClassLabel(c)} {side}", Palette.ForRole(g.Role(c)), false, curve.Epochs, curve.Mean) { Pattern = pattern });
        }
        if (series.Count == 0) return null;
        var x = Scales.Epochs(series.SelectMany(s => s.X));
        series = series.Select(s =>
        {
            var keep = Scales.Spread(s.X, x, MaxCurvePoints);
            return s with { X = [.. keep.Select(i => s.X[i])], Y = [.. keep.Select(i => s.Y[i])] };
        }).ToList();
        var chart = new LineChart($"{a.LevelLabel}, {split}", x, Scales.Bounded("recall", 0, 1, Scales.Values(series)), series);
        return FigureModel.Of(slug, $"{a.PlainProtocol}, {a.LevelLabel}: per-class {split} recall, mean over runs; solid = study A ({a.Runs.Count} runs), long dashes = study B ({b.Runs.Count} runs)", chart);
    }
}

/// <summary>Writes a comparison of two studies: one self-contained HTML page, its figures as SVG in a folder beside it.</summary>
public static class CompareWriter
{
    public const string FileName = "compare.html";

    /// <summary>
    /// Compares study A with study B into <paramref name="outDir"/>. Each side's findings are the ones stored with it,
    /// or computed (not written) when the store holds none.
    /// </summary>
    public static CompareResult Write(StudyData a, string storeA, StudyData b, string storeB, string outDir, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(outDir);
        if (File.Exists(full)) throw new ImbLabException($"--out: {outDir} is a file; give a folder for the comparison (it writes {FileName} and its figures there)");
        var model = CompareModel.Build(Side("A", storeA, a), Side("B", storeB, b), cancellationToken);
        var (html, figures) = Render(model, cancellationToken);
        var folder = Path.Combine(full, "compare-figures");
        var path = Path.Combine(full, FileName);
        // Staged and renamed at the end, as the report is (ReportWriter).
        using var staged = new StagedFiles();
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var f in figures) staged.WriteText(Path.Combine(folder, f.Name + ".svg"), f.FileSvg);
            staged.WriteText(path, html);
            var written = figures.Select(f => f.Name + ".svg").ToHashSet(StringComparer.Ordinal);
            foreach (var stale in Directory.EnumerateFiles(folder, "*.svg").Where(f => !written.Contains(Path.GetFileName(f))).ToList()) File.Delete(stale);
            staged.Commit();
        }
        catch (Exception e) when (OutputErrors.IsWriteFailure(e))
        {
            throw OutputErrors.Describe(full, $"the comparison {FileName}", e, $"{Settings.Mention(Settings.Out)} FOLDER");
        }
        return new CompareResult(a.StudyId, b.StudyId, path, folder, figures.Count, model.Datasets, model.Findings.Count);
    }

    private static CompareSide Side(string label, string store, StudyData data) =>
        new(label, store, data, data.Findings.Count > 0 ? data.Findings : FindingsEngine.Compute(data));

    internal static (string Html, IReadOnlyList<RenderedFigure> Figures) Render(CompareModel model, CancellationToken cancellationToken)
    {
        var list = model.Figures.ToList();
        var rendered = new RenderedFigure[list.Count];
        Parallel.For(0, list.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            rendered[i] = FigureRender.Render($"{i.ToString("D4", CultureInfo.InvariantCulture)}-{list[i].Slug}", list[i].Chart, list[i].Width, list[i].Height,
                $"f{i.ToString(CultureInfo.InvariantCulture)}_", png: false));
        var index = new Dictionary<FigureModel, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < list.Count; i++) index[list[i]] = i;
        var html = new StringBuilder(1 << 18);
        var a = model.A;
        var b = model.B;
        html.Append(ReportPage.Head($"ImbLab comparison: {a.Name} vs {b.Name}"))
            .Append("<nav><div class=\"h\">Comparison</div><a href=\"#studies\">Studies</a><a href=\"#curves\">Curves</a><a href=\"#findings\">Findings</a></nav><main>")
            .Append($"<section id=\"studies\"><h1>{Html.E(a.Name)} vs {Html.E(b.Name)}</h1><table><thead><tr><th class=\"l\"></th><th class=\"l\">study</th><th class=\"l\">store</th>")
            .Append("<th>runs</th><th class=\"l\">remedies</th><th class=\"l\">configuration</th></tr></thead><tbody>");
        foreach (var s in new[] { a, b })
        {
            var remedies = string.Join(", ", s.Data.Runs.Select(r => r.Run.Remedy).Distinct());
            html.Append($"<tr><th class=\"l\">{s.Label}</th><td class=\"l\"><code>{Html.E(s.Data.StudyId)}</code> ({Html.E(s.Name)})</td><td class=\"l\">{Html.E(s.Store)}</td>")
                .Append($"<td>{s.Data.Runs.Count.ToString(CultureInfo.InvariantCulture)}</td><td class=\"l\">{Html.E(remedies)}</td>")
                .Append($"<td class=\"l\"><details><summary>JSON</summary><pre>{Html.E(ReportInputs.PrettyJson(s.Data.Study.ConfigJson))}</pre></details></td></tr>");
        }
        html.Append("</tbody></table>")
            .Append($"<p class=\"caption\">Compared on the {model.Datasets.Count.ToString(CultureInfo.InvariantCulture)} dataset(s) both studies ran ({Html.E(string.Join(", ", model.Datasets))}), ")
            .Append("condition by condition (protocol, remedy and level both ran). Colours are the classes as in the report: <span class=\"min\">■ minority</span>, <span class=\"maj\">■ majority</span>; ")
            .Append("solid lines are study A, long dashes study B.</p>");
        foreach (var note in model.Notes) html.Append($"<p class=\"caption\">{Html.E(note)}</p>");
        html.Append("</section><section id=\"curves\"><h2>Learning curves</h2>");
        foreach (var g in model.Curves)
        {
            html.Append($"<h4>{Html.E(g.Heading)}</h4><div class=\"grid c{g.Grid.Columns.ToString(CultureInfo.InvariantCulture)}\">");
            foreach (var f in g.Grid.Figures) html.Append($"<figure>{rendered[index[f]].InlineSvg}<figcaption>{Html.E(f.Caption)}</figcaption></figure>");
            html.Append("</div>");
        }
        html.Append("</section><section id=\"findings\"><h2>Findings</h2><p class=\"caption\">Each study's findings as its rules state them (docs/findings.md), side by side; ")
            .Append("rows where the verdicts differ (or one study has no such finding) are marked ≠.</p>")
            .Append("<table><thead><tr><th class=\"l\">dataset</th><th class=\"l\">protocol</th><th class=\"l\">remedy</th><th class=\"l\">finding</th><th></th>")
            .Append("<th class=\"l\">A: verdict</th><th>A: effect [95% CI]</th><th class=\"l\">B: verdict</th><th>B: effect [95% CI]</th></tr></thead><tbody>");
        foreach (var p in model.Findings)
        {
            html.Append($"<tr><td class=\"l\">{Html.E(p.Dataset)}</td><td class=\"l\">{Html.E(p.Protocol)}</td><td class=\"l\">{Html.E(p.Remedy)}</td><td class=\"l\">{Html.E(p.Finding)}</td>")
                .Append($"<td>{(p.Differs ? "≠" : "")}</td>").Append(Cell(p.A)).Append(Cell(p.B)).Append("</tr>");
        }
        html.Append("</tbody></table></section></main></body></html>\n");
        return (html.ToString(), rendered);
    }

    private static string Cell(FindingRow? f)
    {
        if (f is null) return "<td class=\"l\">—</td><td></td>";
        var v = f.Verdict is "supported" or "contradicted" ? f.Verdict : "inconclusive";
        return $"<td class=\"l v-{v}\" title=\"{Html.E(f.Statement)}\"><b>{Html.E(f.Verdict)}</b></td>" +
               $"<td title=\"{Html.E(f.Statement)}\">{Html.Num(f.Effect)} [{Html.Num(f.CiLow)}, {Html.Num(f.CiHigh)}]</td>";
    }
}
