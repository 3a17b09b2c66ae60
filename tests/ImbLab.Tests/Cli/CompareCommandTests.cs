using ImbLab.Tests.Findings;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>imblab compare on hand-made remedy stores: two stores, two studies of one store, and the refusals.</summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store(string name, int datasets, string prefix = "toy", string studyId = "s1", string? path = null) =>
        RemedyStudies.Write(path ?? Path.Combine(_dir, name + ".db"), datasets, [("none", RemedyStudies.None), ("cb:beta=0.999", RemedyStudies.Helps)], [1, 10], 3,
            studyId: studyId, datasetPrefix: prefix);

    [Fact]
    public void Given_two_stores_with_common_datasets_When_compared_Then_one_page_holds_overlaid_curves_and_findings_side_by_side()
    {
        var a = Store("a", 2);
        var b = Store("b", 3);
        var outDir = Path.Combine(_dir, "out");
        var (exit, stdout, stderr) = CliHarness.Run("compare", a, b, "--out", outDir);
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("on 2 dataset(s)", stdout, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(outDir, "compare.html"));
        Assert.Contains("toy2 (B only)", html, StringComparison.Ordinal);
        // toy0 and toy1 x {none, cb} x 2 levels x {train, test}: 16 figures inline, and as SVG files.
        Assert.Equal(16, System.Text.RegularExpressions.Regex.Count(html, "<figure><svg"));
        Assert.Equal(16, Directory.GetFiles(Path.Combine(outDir, "compare-figures"), "*.svg").Length);
        Assert.Contains("remedy-balanced-accuracy", html, StringComparison.Ordinal);
        Assert.Contains("early-minority-underfitting", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Given_two_studies_of_one_store_When_compared_with_study_b_Then_it_works_and_the_same_study_twice_is_refused()
    {
        var path = Path.Combine(_dir, "one.db");
        Store("one", 1, studyId: "sa", path: path);
        Store("one", 1, studyId: "sb", path: path);
        var (exit, stdout, stderr) = CliHarness.Run("compare", path, "--study-a", "sa", "--study-b", "sb", "--out", Path.Combine(_dir, "o1"));
        Assert.True(exit == 0, stderr + stdout);
        var (same, _, err) = CliHarness.Run("compare", path, "--study-a", "sa", "--study-b", "sa", "--out", Path.Combine(_dir, "o2"));
        Assert.Equal(1, same);
        Assert.Contains("both sides are study sa", err, StringComparison.Ordinal);
        var (missing, _, err2) = CliHarness.Run("compare", path, "--out", Path.Combine(_dir, "o3"));
        Assert.Equal(2, missing);
        Assert.Contains("STORE_B: not given, and no --study-b", err2, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_stores_without_a_common_dataset_When_compared_Then_it_is_refused_naming_what_each_has()
    {
        var a = Store("x", 1, prefix: "alpha");
        var b = Store("y", 1, prefix: "beta");
        var (exit, _, stderr) = CliHarness.Run("compare", a, b, "--out", Path.Combine(_dir, "o"));
        Assert.Equal(1, exit);
        Assert.Contains("no dataset in common", stderr, StringComparison.Ordinal);
        Assert.Contains("has alpha0", stderr, StringComparison.Ordinal);
        Assert.Contains("has beta0", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
