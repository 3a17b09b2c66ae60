using System.Globalization;
using System.Text;

namespace ImbLab.Report;

/// <summary>
/// The page skeleton: a strict content-security policy (nothing may load: no script, font, image or fetch; inline
/// styles and data: images only), inline CSS that prints sensibly, and CSS-only tabs (radio buttons) so that
/// switching among pre-rendered figures needs no script at all.
/// </summary>
internal static class ReportPage
{
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private const int MaxTabs = 12;

    public static string Head(string title)
    {
        var tabRules = new StringBuilder();
        for (var i = 0; i < MaxTabs; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            tabRules.Append(i == 0 ? "" : ",").Append(".tabs>input.t").Append(n).Append(":checked~.p").Append(n);
        }
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="{{ContentSecurityPolicy}}">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Html.E(title)}}</title>
            <style>
            :root{--min:{{Palette.MinorityHex}};--maj:{{Palette.MajorityHex}};--ink:#1d1d1f;--mute:#5f6368;--line:#e3e3e3}
            *{box-sizing:border-box}
            body{margin:0;font:14px/1.45 "DejaVu Sans",Verdana,system-ui,sans-serif;color:var(--ink);background:#fafafa}
            nav{position:fixed;top:0;left:0;bottom:0;width:220px;overflow-y:auto;padding:16px 12px;background:#fff;border-right:1px solid var(--line);font-size:13px}
            nav a{display:block;padding:2px 6px;color:var(--ink);text-decoration:none;border-radius:4px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
            nav a:hover{background:#eef3f8}
            nav .h{margin:12px 0 4px;color:var(--mute);font-size:11px;text-transform:uppercase;letter-spacing:.05em}
            main{margin-left:220px;padding:20px 32px 60px;max-width:1500px}
            h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 8px;padding-top:12px;border-top:2px solid var(--line)}
            h3{font-size:16px;margin:24px 0 6px}h4{font-size:14px;margin:16px 0 4px;color:var(--mute)}
            .sub{color:var(--mute);margin:0 0 12px}
            .min{color:var(--min);font-weight:600}.maj{color:var(--maj);font-weight:600}
            table{border-collapse:collapse;margin:8px 0 12px;background:#fff;font-size:13px}
            th,td{border:1px solid var(--line);padding:3px 8px;text-align:right;vertical-align:top}
            th{background:#f3f3f3}td.l,th.l{text-align:left}
            .grid{display:grid;gap:10px;grid-template-columns:repeat(3,minmax(0,1fr))}
            .c1{grid-template-columns:minmax(0,1fr);max-width:480px}.c2{grid-template-columns:repeat(2,minmax(0,1fr));max-width:960px}
            .c3{grid-template-columns:repeat(3,minmax(0,1fr))}.c4{grid-template-columns:repeat(4,minmax(0,1fr))}.c5{grid-template-columns:repeat(5,minmax(0,1fr))}
            figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px}
            figure svg{width:100%;height:auto;display:block}
            figcaption{font-size:12px;color:var(--mute);padding:2px 4px}
            .caption{font-size:12.5px;color:var(--mute);margin:4px 0 8px}
            details{background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0}
            pre{margin:6px 0;font-size:12px;white-space:pre-wrap;word-break:break-word}
            .tabs{position:relative;margin:8px 0}
            .tabs>input{position:absolute;opacity:0;pointer-events:none}
            .tabs>label{display:inline-block;padding:3px 10px;margin:0 4px 6px 0;border:1px solid var(--line);border-radius:12px;background:#fff;cursor:pointer;font-size:12.5px}
            .tabs>input:checked+label{background:#1d1d1f;color:#fff;border-color:#1d1d1f}
            .tabs>input:focus-visible+label{outline:2px solid var(--maj)}
            .tabs>.pane{display:none}
            {{tabRules}}{display:grid}
            .v-supported{background:#d7f0e6}.v-contradicted{background:#f6dbe9}.v-inconclusive{background:#eeeeee}
            details.findings>summary{cursor:pointer;font-weight:600}details.findings>summary span{font-weight:400;color:var(--mute)}
            .dataset{content-visibility:auto;contain-intrinsic-size:auto 2400px}
            @media (max-width:1100px){.c4,.c5{grid-template-columns:repeat(2,minmax(0,1fr))}
            }
            @media (max-width:900px){nav{position:static;width:auto;border-right:0;border-bottom:1px solid var(--line);max-height:40vh}main{margin-left:0;padding:12px}
              .grid{grid-template-columns:minmax(0,1fr)!important}
            }
            @media print{nav,.tabs>label{display:none}
              main{margin:0;padding:0;max-width:none}body{background:#fff}
              .dataset{content-visibility:visible}.tabs>.pane{display:grid!important;margin-bottom:8px}
              figure,table{break-inside:avoid}h2{break-before:page}details>*{display:block}
            }
            </style></head><body>
            """;
    }

    /// <summary>Radio-button tabs; each pane is a grid of pre-rendered figures in its number of columns.</summary>
    public static void Tabs(StringBuilder html, string group, IReadOnlyList<(string Label, string Content, int Columns)> panes)
    {
        if (panes.Count == 0) return;
        html.Append("<div class=\"tabs\">");
        var count = Math.Min(MaxTabs, panes.Count);
        for (var i = 0; i < count; i++)
        {
            var id = $"{group}-{i.ToString(CultureInfo.InvariantCulture)}";
            html.Append($"<input type=\"radio\" name=\"{group}\" id=\"{id}\" class=\"t{i.ToString(CultureInfo.InvariantCulture)}\"{(i == 0 ? " checked" : "")}>")
                .Append($"<label for=\"{id}\">{Html.E(panes[i].Label)}</label>");
        }
        for (var i = 0; i < count; i++)
            html.Append($"<div class=\"grid c{panes[i].Columns.ToString(CultureInfo.InvariantCulture)} pane p{i.ToString(CultureInfo.InvariantCulture)}\">").Append(panes[i].Content).Append("</div>");
        html.Append("</div>");
    }
}
