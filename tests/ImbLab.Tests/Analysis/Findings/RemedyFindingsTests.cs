using System.Text.Json;
using ImbLab.Analysis.Findings;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;

namespace ImbLab.Tests.Findings;

/// <summary>Remedy findings on hand-made studies whose numbers are chosen to give each verdict (RemedyStudies).</summary>
public sealed class RemedyFindingsTests : IDisposable
{
    private const string Cb = "cb:beta=0.999";
    private const string Focal = "focal:gamma=2";
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-remedy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<FindingRow> Compute(string name, int datasets, (string, RemedyStudies.Effect)[] remedies, int seeds, int minorityTest = 20)
    {
        var path = RemedyStudies.Write(Path.Combine(_dir, name + ".db"), datasets, remedies, [1, 10, 20], seeds, minorityTest);
        using var data = StudyStore.Load(path, "s1");
        return FindingsEngine.Compute(data);
    }

    private static FindingRow Get(IReadOnlyList<FindingRow> rows, string remedy, string finding, string dataset = "toy0") =>
        Assert.Single(rows, r => r.Dataset == dataset && r.Remedy == remedy && r.Finding == finding);

    [Fact]
    public void Given_a_remedy_that_helps_When_compared_with_none_Then_every_phase_claim_is_supported_with_its_numbers()
    {
        var rows = Compute("helps", 1, [("none", RemedyStudies.None), (Cb, RemedyStudies.Helps)], seeds: 4);
        foreach (var finding in new[] { "remedy-underfitting", "remedy-onset-lag", "remedy-memorisation", "remedy-balanced-accuracy", "remedy-g-mean", "remedy-minority-recall", "remedy-roc-auc", "remedy-update-share" })
            Assert.True(Get(rows, Cb, finding).Verdict == "supported", Get(rows, Cb, finding).Statement);
        var f = Get(rows, Cb, "remedy-underfitting");
        Assert.StartsWith($"{Cb} vs none at ir=20 (IR 20.0): early underfitting effect", f.Statement, StringComparison.Ordinal);
        Assert.Contains("4 seeds", f.Statement, StringComparison.Ordinal);
        Assert.Contains("claim: the remedy reduces the early underfitting (change > 0.05)", f.Statement, StringComparison.Ordinal);
        // The effect is the paired change remedy minus none at the top level: early window W = max(1, min(5, 20/10)) = 2.
        // none: minority (0.1 + n + (e - 2) 0.1) over e = 1, 2 = 0.05 + n (clamped at 0 for e = 1 when n < 0); helps: 0.775 + n.
        using var doc = JsonDocument.Parse(f.DetailsJson);
        Assert.Equal("ir=20", doc.RootElement.GetProperty("level").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("per_level").GetArrayLength());
        Assert.Equal(Cb, doc.RootElement.GetProperty("remedy").GetString());
        var share = Get(rows, Cb, "remedy-update-share");
        // none 0.05 + 0.01 s, helps 0.4 + 0.012 s, over s = 0..3: mean change 0.35 + 0.002 * 1.5 = 0.353 (the late checkpoint is outside the window).
        Assert.Equal(0.353, share.Effect, 10);
    }

    [Fact]
    public void Given_a_remedy_that_changes_nothing_When_compared_with_none_Then_its_claims_are_contradicted()
    {
        var rows = Compute("hair", 1, [("none", RemedyStudies.None), (Focal, RemedyStudies.Hair)], seeds: 4);
        foreach (var finding in new[] { "remedy-underfitting", "remedy-memorisation", "remedy-balanced-accuracy", "remedy-roc-auc", "remedy-update-share" })
        {
            var f = Get(rows, Focal, finding);
            Assert.True(f.Verdict == "contradicted", f.Statement);
            Assert.True(Math.Abs(f.Effect) < 0.01, f.Statement);
        }
    }

    [Fact]
    public void Given_two_seeds_or_few_minority_test_rows_When_compared_Then_the_findings_are_inconclusive_and_say_why()
    {
        var two = Compute("two", 1, [("none", RemedyStudies.None), (Cb, RemedyStudies.Helps)], seeds: 2);
        Assert.StartsWith("inconclusive: fewer than 3 seeds with both none and the remedy (2)", Get(two, Cb, "remedy-underfitting").Statement, StringComparison.Ordinal);
        var few = Compute("few", 1, [("none", RemedyStudies.None), (Cb, RemedyStudies.Helps)], seeds: 4, minorityTest: 4);
        Assert.StartsWith("inconclusive: fewer than 5 minority test samples in a run (4)", Get(few, Cb, "remedy-balanced-accuracy").Statement, StringComparison.Ordinal);
        Assert.Equal("supported", Get(few, Cb, "remedy-underfitting").Verdict); // reads the training part only
    }

    [Fact]
    public void Given_no_update_share_When_compared_Then_the_update_share_finding_says_not_recorded()
    {
        var quiet = RemedyStudies.Helps with { UpdateShare = null };
        var rows = Compute("quiet", 1, [("none", RemedyStudies.None with { UpdateShare = null }), (Cb, quiet)], seeds: 4);
        Assert.StartsWith("inconclusive: not recorded (no update_share", Get(rows, Cb, "remedy-update-share").Statement, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_study_without_remedies_When_findings_are_computed_Then_no_remedy_row_is_added()
    {
        var rows = Compute("plain", 2, [("none", RemedyStudies.None)], seeds: 3);
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("none", r.Remedy));
        Assert.DoesNotContain(rows, r => r.Finding.StartsWith("remedy-", StringComparison.Ordinal) || r.Dataset == RemedyFindings.AcrossDatasets);
    }

    [Fact]
    public void Given_eight_datasets_When_remedies_are_compared_across_them_Then_Wilcoxon_Holm_and_the_ranking_decide()
    {
        var rows = Compute("across", 8, [("none", RemedyStudies.None), (Cb, RemedyStudies.Helps), (Focal, RemedyStudies.Hair)], seeds: 3);
        // cb raises balanced accuracy on all 8 datasets: exact Wilcoxon p = 2/256, Holm over 2 remedies 0.0156.
        var cb = Get(rows, Cb, "remedy-balanced-accuracy", RemedyFindings.AcrossDatasets);
        Assert.Equal("supported", cb.Verdict);
        Assert.Equal(8, cb.N);
        Assert.Equal(2.0 / 256, cb.PValue, 12);
        Assert.Contains("across 8 datasets", cb.Statement, StringComparison.Ordinal);
        var ranking = Get(rows, RemedyFindings.AllRemedies, "remedy-ranking:balanced-accuracy", RemedyFindings.AcrossDatasets);
        Assert.Equal("supported", ranking.Verdict);
        using var doc = JsonDocument.Parse(ranking.DetailsJson);
        var ranks = doc.RootElement.GetProperty("average_ranks").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        // cb is best on every dataset; focal's hair-wide gain puts it ahead of none on the seeds where it adds 0.001.
        Assert.Equal(1.0, ranks[1]);
        Assert.Equal(["none", Cb, Focal], doc.RootElement.GetProperty("remedies").EnumerateArray().Select(v => v.GetString()!).ToArray());
        // CD for k = 3, N = 8: 2.343695 * sqrt(3 * 4 / 48) = 1.171848.
        Assert.Equal(1.171848, doc.RootElement.GetProperty("cd").GetDouble(), 5);
    }

    [Fact]
    public void Given_three_datasets_When_compared_across_them_Then_the_exact_Wilcoxon_cannot_reach_significance_and_stays_inconclusive()
    {
        var rows = Compute("three", 3, [("none", RemedyStudies.None), (Cb, RemedyStudies.Helps)], seeds: 3);
        var cb = Get(rows, Cb, "remedy-balanced-accuracy", RemedyFindings.AcrossDatasets);
        // n = 3: the smallest two-sided exact p is 2/8 = 0.25.
        Assert.Equal(0.25, cb.PValue, 12);
        Assert.Equal("inconclusive", cb.Verdict);
        Assert.StartsWith("inconclusive: two remedies", Get(rows, RemedyFindings.AllRemedies, "remedy-ranking:balanced-accuracy", RemedyFindings.AcrossDatasets).Statement, StringComparison.Ordinal);
    }
}
