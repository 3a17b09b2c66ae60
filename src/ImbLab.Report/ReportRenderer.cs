using System.Globalization;
using System.Text;
using ImbLab.Analysis.Statistics;
using ImbLab.Core;

namespace ImbLab.Report;

/// <summary>A figure as written beside the report: its file name (without extension), the SVG file's text and, when asked for, PNG bytes.</summary>
internal sealed record Figure(string Name, string Svg, byte[]? Png);

/// <summary>Turns a <see cref="ReportModel"/> into the page and its figures. Pure: no IO, nothing about the data decided here.</summary>
internal static class ReportRenderer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The page and its figures; the same bytes whatever <paramref name="maxThreads"/> (-1: every core).</summary>
    public static (string Html, IReadOnlyList<Figure> Figures) Render(ReportModel model, int maxThreads = -1, CancellationToken cancellationToken = default)
    {
        var models = model.Figures.ToList();
        var rendered = new RenderedFigure[models.Count];
        // Figures are independent plots: drawing them on every core is most of the speed-up of a big report.
        Parallel.For(0, models.Count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = maxThreads }, i =>
        {
            var f = models[i];
            rendered[i] = FigureRender.Render($"{i.ToString("D4", Inv)}-{f.Slug}", f.Chart, f.Width, f.Height, $"f{i.ToString(Inv)}_", model.Options.Png);
        });
        var index = new Dictionary<FigureModel, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < models.Count; i++) index[models[i]] = i;
        var page = new Page(new StringBuilder(1 << 20), f => $"<figure>{rendered[index[f]].InlineSvg}<figcaption>{Html.E(f.Caption)}</figcaption></figure>");
        page.Write(model);
        return (page.Text.ToString(), rendered.Select(r => new Figure(r.Name, r.FileSvg, r.Png)).ToList());
    }

    /// <summary>The page, section by section, with each figure's inline markup looked up as it comes.</summary>
    private sealed class Page(StringBuilder html, Func<FigureModel, string> figure)
    {
        public StringBuilder Text => html;

        public void Write(ReportModel model)
        {
            html.Append(ReportPage.Head($"ImbLab report: {model.Study.Name}"));
            html.Append("<nav><div class=\"h\">Study</div><a href=\"#study\">Overview</a><a href=\"#datasets\">Datasets</a>");
            if (model.Remedies is not null) html.Append("<a href=\"#remedies\">Remedies</a>");
            if (model.Findings.Count > 0) html.Append("<a href=\"#findings\">Findings</a>");
            html.Append("<a href=\"#across\">Across datasets</a><div class=\"h\">Datasets</div>");
            foreach (var d in model.Datasets) html.Append($"<a href=\"#{d.Anchor}\" title=\"{E(d.Dataset.Name)}\">{E(d.Dataset.Name)}</a>");
            html.Append("</nav><main>");
            Overview(model);
            DatasetsTable(model.Datasets);
            if (model.Remedies is { } remedies) Remedies(remedies);
            // The figures come first; the findings' tables (dozens of rows per dataset) and the tests follow them.
            foreach (var s in model.Sections) Dataset(s);
            if (model.Findings.Count > 0) Findings(model.Findings);
            Across(model.Across);
            html.Append("</main></body></html>\n");
        }

        private static string E(string? text) => Html.E(text);

        private static string N(int v) => v.ToString(Inv);

        private void Overview(ReportModel model)
        {
            var s = model.Study;
            html.Append($"<section id=\"study\"><h1>{E(s.Name)}</h1>")
                .Append($"<p class=\"sub\">ImbLab study <code>{E(s.StudyId)}</code>, run with ImbLab {E(s.Version)}; report by ImbLab {E(ImbLabInfo.Version)}. ")
                .Append($"Created {E(s.CreatedAt)}, last updated {E(s.UpdatedAt)}.</p>")
                .Append("<table><tbody>")
                .Append($"<tr><th class=\"l\">datasets</th><td>{N(model.Datasets.Count)}</td></tr>")
                .Append($"<tr><th class=\"l\">finished runs</th><td>{N(s.Runs)}</td></tr>")
                .Append($"<tr><th class=\"l\">seeds</th><td class=\"l\">{E(string.Join(", ", s.Seeds.Select(x => x.ToString(Inv))))}</td></tr>")
                .Append($"<tr><th class=\"l\">protocols</th><td class=\"l\">{E(string.Join(", ", s.Protocols))}</td></tr>")
                .Append($"<tr><th class=\"l\">training time (sum over runs)</th><td>{Duration(s.TrainSeconds)}</td></tr>")
                .Append($"<tr><th class=\"l\">first start to last finish</th><td>{Duration(s.WallSeconds)}</td></tr>")
                .Append("</tbody></table>")
                .Append("<p class=\"caption\">Colours are fixed throughout: <span class=\"min\">■ minority</span> (the smaller class of the training part) and <span class=\"maj\">■ majority</span>; ")
                .Append("solid lines are the training part, dashed the test set. Lines are the mean over the runs of a condition (seeds × folds); bands span their minimum to maximum.</p>")
                .Append($"<details><summary>Study configuration (JSON)</summary><pre>{E(s.ConfigJson)}</pre></details>")
                .Append("</section>");
        }

        private void DatasetsTable(IReadOnlyList<DatasetEntry> datasets)
        {
            html.Append("<section id=\"datasets\"><h2>Datasets</h2><table><thead><tr><th class=\"l\">dataset</th><th class=\"l\">source</th><th>rows</th><th>attributes (num/nom)</th>")
                .Append("<th class=\"l\">class counts</th><th>IR</th><th class=\"l\">realised training part, minority/majority (mean over runs)</th></tr></thead><tbody>");
            foreach (var entry in datasets)
            {
                var d = entry.Dataset;
                var realised = string.Join("<br>", entry.Realised.Select(r =>
                    $"{E(r.Protocol)} {E(r.LevelLabel)}: <span class=\"min\">{Html.Num(r.Minority, "0.#")}</span>/<span class=\"maj\">{Html.Num(r.Majority, "0.#")}</span>"));
                var counts = string.Join(", ", d.ClassNames.Select((n, c) => $"{E(n)}: {(c < d.ClassCounts.Count ? N(d.ClassCounts[c]) : "?")}"));
                html.Append($"<tr><td class=\"l\"><a href=\"#{entry.Anchor}\">{E(d.Name)}</a></td><td class=\"l\">{E(d.Source)}</td><td>{N(d.Rows)}</td>")
                    .Append($"<td>{N(d.Attributes)} ({N(d.NumericAttributes)}/{N(d.NominalAttributes)})</td><td class=\"l\">{counts}</td>")
                    .Append($"<td>{Html.Num(entry.Ir, "0.##")}</td><td class=\"l\">{realised}</td></tr>");
            }
            html.Append("</tbody></table></section>");
        }

        private void Findings(IReadOnlyList<FindingGroup> groups)
        {
            html.Append("<section id=\"findings\"><h2>Findings</h2><p class=\"caption\">Per dataset, the findings with their verdicts as stored by the study's findings rules; ")
                .Append("the last column is the finding's check under the control protocols, where the study stated one. n/a = undefined.</p>");
            foreach (var g in groups)
            {
                html.Append($"<details class=\"findings\"{(groups.Count == 1 ? " open" : "")}><summary>{E(g.Dataset)} <span>{N(g.Entries.Count)} findings: ")
                    .Append($"{N(g.Count("supported"))} supported, {N(g.Count("contradicted"))} contradicted, {N(g.Count("inconclusive"))} inconclusive</span></summary>")
                    .Append("<table><thead><tr><th class=\"l\">protocol</th><th class=\"l\">finding</th><th class=\"l\">verdict</th><th class=\"l\">statement</th>")
                    .Append("<th>effect [95% CI]</th><th>p</th><th>n</th><th class=\"l\">under the controls</th></tr></thead><tbody>");
                foreach (var (f, controls) in g.Entries)
                {
                    html.Append($"<tr class=\"v-{Verdict(f)}\"><td class=\"l\">{E(f.Remedy == "none" ? f.Protocol : $"{f.Protocol}, remedy {f.Remedy}")}</td><td class=\"l\">{E(f.Finding)}</td>")
                        .Append($"<td class=\"l\"><b>{E(f.Verdict)}</b></td><td class=\"l\">{E(f.Statement)}</td>")
                        .Append($"<td>{Num(f.Effect)} [{Num(f.CiLow)}, {Num(f.CiHigh)}]</td><td>{PValue(f.PValue)}</td><td>{N(f.N)}</td>")
                        .Append(controls is null ? "<td class=\"l\"></td>" : $"<td class=\"l v-{Verdict(controls)}\"><b>{E(controls.Verdict)}</b>: {E(controls.Statement)}</td>")
                        .Append("</tr>");
                }
                html.Append("</tbody></table></details>");
            }
            html.Append("</section>");
        }

        private void Remedies(RemedySection r)
        {
            html.Append("<section id=\"remedies\"><h2>Remedies</h2>")
                .Append($"<p class=\"caption\">The study ran {N(r.Remedies.Count)} remedies ({E(string.Join(", ", r.Remedies))}). Each is compared with <code>none</code> on the same data, ")
                .Append("protocol and level, paired by seed index, at each protocol's most imbalanced level (docs/findings.md, Remedies). ")
                .Append("Which phase does each remedy act on: each cell is the remedy's change against none with its 95% interval, coloured by its verdict ")
                .Append("(<span class=\"v-supported\">supported</span>, <span class=\"v-contradicted\">contradicted</span>: an effect as large as the claim is ruled out, ")
                .Append("<span class=\"v-inconclusive\">inconclusive</span>). Columns: ");
            html.Append(E(string.Join("; ", RemedySection.Phases.Select(p => $"{p.Phase} = {p.Reading}")))).Append(".</p>");
            foreach (var t in r.Across) PhaseTable(t, open: true);
            if (r.CdDiagrams.Count > 0)
            {
                html.Append("<h3>Ranking across datasets</h3>");
                Grid(new FigureGrid(r.CdDiagrams));
            }
            foreach (var note in r.CdNotes) html.Append($"<p class=\"caption\">{E(note)}</p>");
            if (r.PerDataset.Count > 0)
            {
                html.Append("<h3>Per dataset</h3>");
                foreach (var t in r.PerDataset) PhaseTable(t, open: r.PerDataset.Count == 1);
            }
            if (r.Curves.Count > 0)
            {
                html.Append("<h3>Learning curves by remedy</h3><p class=\"caption\">Colour = class (as everywhere), line style = remedy (solid = none).</p>");
                Groups(r.Curves);
            }
            if (r.Sweeps.Count > 0)
            {
                html.Append("<h3>Remedy × IR</h3>");
                Groups(r.Sweeps);
            }
            html.Append("</section>");
        }

        private void PhaseTable(PhaseTable t, bool open)
        {
            html.Append($"<details class=\"findings\"{(open ? " open" : "")}><summary>{E(t.Title)}</summary><table class=\"phases\"><thead><tr><th class=\"l\">remedy</th>");
            foreach (var p in RemedySection.Phases) html.Append($"<th title=\"{E(p.Reading)}\">{E(p.Phase)}</th>");
            html.Append("</tr></thead><tbody>");
            foreach (var row in t.Rows)
            {
                html.Append($"<tr><td class=\"l\">{E(row.Remedy)}</td>");
                foreach (var c in row.Cells)
                {
                    var v = c.Verdict is "supported" or "contradicted" ? c.Verdict : "inconclusive";
                    var interval = c.Change.HasInterval ? $" [{Num(c.Change.Low, "0.00")}, {Num(c.Change.High, "0.00")}]" : "";
                    html.Append($"<td class=\"v-{v}\" title=\"{E(c.Detail)}\">{Signed(c.Change.Value)}{interval}<br><small>{E(v)}</small></td>");
                }
                html.Append("</tr>");
            }
            html.Append("</tbody></table></details>");
        }

        private static string Signed(double v) => double.IsNaN(v) ? "n/a" : (v > 0 ? "+" : "") + v.ToString("0.00", Inv);

        private static string Verdict(Core.Results.FindingRow f) => f.Verdict is "supported" or "contradicted" or "inconclusive" ? f.Verdict : "inconclusive";

        private void Across(AcrossSection across)
        {
            html.Append("<section id=\"across\"><h2>Across datasets</h2>");
            if (across.Datasets < AcrossSection.MinDatasets)
            {
                html.Append($"<p class=\"caption\">The cross-dataset tests need at least {N(AcrossSection.MinDatasets)} datasets; this study has {N(across.Datasets)}.</p></section>");
                return;
            }
            html.Append("<p class=\"caption\">Per dataset, the final minority test recall (mean over runs) of each condition. Two conditions: Wilcoxon signed-rank; three or more: Friedman, then pairwise Wilcoxon with Holm's adjustment. ")
                .Append("Wilcoxon: zero differences dropped, W = min(W+, W−); the p-value is exact when at most 25 differences remain and none of their sizes tie, ")
                .Append("else the normal approximation with the tie-corrected variance and no continuity correction (the test column says which). ")
                .Append("Friedman: the chi-square approximation with the tie correction, which is rough with few datasets. Only datasets with every condition of a family count.</p>");
            foreach (var family in across.Families)
            {
                html.Append($"<h3>{E(family.Title)}</h3>");
                if (family.Friedman is { } f)
                    html.Append($"<p>Friedman over {N(family.Conditions.Count)} conditions, {N(family.Datasets)} datasets: χ² = {Num(f.Test.Statistic, "0.00")}, df = {N(f.Df)}, p = {PValue(f.Test.PValue)}. Mean ranks (1 = lowest recall): ")
                        .Append(E(string.Join(", ", family.Conditions.Select((c, i) => $"{c} {f.MeanRanks[i].ToString("0.00", Inv)}")))).Append(".</p>");
                var holm = family.Pairs.Any(p => p.HolmP.HasValue);
                html.Append("<table><thead><tr><th class=\"l\">A</th><th class=\"l\">B</th><th>datasets</th><th>non-zero</th><th>median A−B</th><th>W</th><th>p</th><th class=\"l\">test</th>")
                    .Append(holm ? "<th>p (Holm)</th>" : "").Append("</tr></thead><tbody>");
                foreach (var p in family.Pairs)
                {
                    html.Append($"<tr><td class=\"l\">{E(p.A)}</td><td class=\"l\">{E(p.B)}</td><td>{N(family.Datasets)}</td><td>{N(p.Test.N)}</td>")
                        .Append($"<td>{Num(p.MedianDifference)}</td><td>{Num(p.Test.Statistic, "0.#")}</td><td>{PValue(p.Test.PValue)}</td><td class=\"l\">{E(p.Test.Method)}</td>")
                        .Append(p.HolmP is { } h ? $"<td>{PValue(h)}</td>" : "").Append("</tr>");
                }
                html.Append("</tbody></table>");
            }
            if (across.Families.Count == 0) html.Append($"<p class=\"caption\">No family of conditions was measured on {N(AcrossSection.MinDatasets)} or more datasets.</p>");
            html.Append("</section>");
        }

        private void Dataset(DatasetSection s)
        {
            var d = s.Entry.Dataset;
            html.Append($"<section class=\"dataset\" id=\"{s.Entry.Anchor}\"><h2>{E(d.Name)}</h2>")
                .Append($"<p class=\"sub\">{E(d.Source)} · {N(d.Rows)} rows · {N(d.Attributes)} attributes · IR {Num(s.Entry.Ir, "0.##")} · {N(s.Entry.Runs)} runs</p>");
            html.Append("<h3>Learning curves</h3><p class=\"caption\">Per class, mean over the runs of each condition, band = min-max over runs; ")
                .Append("solid = training part, dashed = test set. The whole run on a log epoch axis that starts at 0 (before training), so the checkpoints inside the first epochs have room.</p>");
            foreach (var protocol in s.Curves)
            {
                html.Append($"<h4>{E(protocol.Protocol)}</h4>");
                foreach (var grid in protocol.Grids) Grid(grid);
                ReportPage.Tabs(html, protocol.TabGroup, protocol.Tabs.Select(t => (t.Label, string.Concat(t.Grid.Figures.Select(figure)), t.Grid.Columns)).ToList());
            }

            if (s.Compared.Count > 0)
            {
                html.Append("<h3>Protocols compared</h3><p class=\"caption\">At each imbalance level that two or more protocols ran, each class's recall and loss under every protocol in one panel: ")
                    .Append("colour = protocol (as in the sweeps below), solid = training part, dashed = test set; mean over runs, bands left out so the lines stay readable. ")
                    .Append($"At most {N(CurveFigures.MaxProtocolsOverlaid)} protocols share a panel, each set led by {E(CurveFigures.ReferenceProtocol)} when the study ran it.</p>");
                Groups(s.Compared);
            }
            html.Append("<h3>Imbalance sweeps</h3><p class=\"caption\">At the end of training, mean and min-max band over runs, against the requested IR")
                .Append(s.Sweeps.LogX ? " (log axis)" : "").Append(", one line per protocol. Onset = the first epoch from which the minority's training recall stays ≥ 0.5 (runs that never get there are left out of the mean).</p>");
            Grid(s.Sweeps.Grid);

            if (s.Dynamics.Count > 0)
            {
                html.Append("<h3>Per-sample dynamics</h3><p class=\"caption\">From the per-sample signals at the epoch ends of one run (the first seed) at each protocol's lowest and highest IR: ")
                    .Append("data maps (Swayamdipta et al. 2020: confidence and variability of p_true over epochs 1..E), the learned epoch and forgetting events (Toneva et al. 2019) per class, ")
                    .Append("counted from epoch 0 when it was recorded (learned at 0 = right before training and at every epoch end after).</p>");
                Groups(s.Dynamics);
            }
            if (s.Gradients.Count > 0)
            {
                html.Append("<h3>Gradient competition</h3><p class=\"caption\">Per-class gradients g_c of the whole network over training, mean over runs with the min-max band, at each protocol's lowest and highest IR.</p>");
                Groups(s.Gradients);
            }
            if (s.Representations.Count > 0)
            {
                html.Append("<h3>Representation separability</h3><p class=\"caption\">Per-class silhouette (solid = training part, dashed = test set; black = unweighted mean over classes), NC1, CDNV and classifier weight norms over training, mean over runs.</p>");
                Groups(s.Representations);
            }
            html.Append("</section>");
        }

        private void Groups(IReadOnlyList<FigureGroup> groups)
        {
            foreach (var g in groups)
            {
                html.Append($"<h4>{E(g.Heading)}</h4>");
                Grid(g.Grid);
            }
        }

        private void Grid(FigureGrid grid)
        {
            html.Append($"<div class=\"grid c{N(grid.Columns)}\">");
            foreach (var f in grid.Figures) html.Append(figure(f));
            html.Append("</div>");
        }

        private static string Num(double v, string format = "0.###") => Html.Num(v, format);

        private static string Duration(double seconds) => double.IsNaN(seconds) ? "n/a"
            : seconds < 120 ? $"{seconds.ToString("0.0", Inv)} s"
            : seconds < 7200 ? $"{(seconds / 60).ToString("0.0", Inv)} min"
            : $"{(seconds / 3600).ToString("0.0", Inv)} h";

        private static string PValue(double p) => E(PValueText.Format(p));
    }
}
