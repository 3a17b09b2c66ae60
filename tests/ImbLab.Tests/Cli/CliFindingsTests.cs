using System.Text.Json;
using ImbLab.Core.Results;
using ImbLab.Store;
using ImbLab.Tests.Cli;
using Xunit;

namespace ImbLab.Tests.Findings;

[Collection(RealStudyCollection.Name)]
public sealed class CliFindingsTests(RealStudyFixture study)
{
    [Fact]
    public void Given_a_real_study_When_findings_run_with_json_Then_every_finding_has_a_verdict_and_they_are_stored()
    {
        var (exit, stdout, stderr) = CliHarness.Run("findings", study.StorePath, "--json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(study.StudyId, doc.RootElement.GetProperty("study").GetString());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        foreach (var f in findings)
        {
            Assert.Contains(f.GetProperty("verdict").GetString(), new[] { "supported", "contradicted", "inconclusive" });
            Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("statement").GetString()));
            Assert.Equal(JsonValueKind.Object, f.GetProperty("details").ValueKind);
        }
        var names = findings.Select(f => (f.GetProperty("protocol").GetString(), f.GetProperty("finding").GetString())).ToHashSet();
        Assert.Contains(("subsample-minority", "early-minority-underfitting"), names);
        Assert.Contains(("fixed-n", "early-minority-underfitting"), names);
        Assert.Contains(("subsample-minority", "controls:early-minority-underfitting"), names);
        using var store = StudyStore.Open(study.StorePath, create: false);
        Assert.Equal(findings.Count, store.Findings(study.StudyId).Count);

        // Recomputing replaces, never duplicates.
        Assert.Equal(0, CliHarness.Run("findings", study.StorePath).Exit);
        Assert.Equal(findings.Count, store.Findings(study.StudyId).Count);
    }

    [Fact]
    public void Given_a_real_study_When_findings_print_a_table_Then_it_names_the_dataset_and_verdicts()
    {
        var (exit, stdout, stderr) = CliHarness.Run("findings", study.StorePath, "--study", study.StudyId[..6]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("early-minority-underfitting", stdout);
        Assert.Contains("synthetic", stdout);
    }

    [Fact]
    public void Given_a_real_study_When_dynamics_run_with_json_and_csv_Then_groups_gaps_and_per_sample_rows_are_written()
    {
        var csv = Path.Combine(study.Dir, "dyn", "samples.csv");
        var (exit, stdout, stderr) = CliHarness.Run("dynamics", study.StorePath, "--json", "--csv", csv);
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var groups = doc.RootElement.GetProperty("groups").EnumerateArray().ToList();
        // 2 protocols x 3 levels x 2 roles x 2 splits.
        Assert.Equal(24, groups.Count);
        Assert.All(groups, g => Assert.True(g.GetProperty("samples").GetInt32() > 0));
        Assert.Equal(6, doc.RootElement.GetProperty("memorisation_gap").GetArrayLength());
        var lines = File.ReadAllLines(csv);
        Assert.Equal("run,split,sample,class,role,learned_epoch,never_learned,forgetting_events,confidence,variability,correctness,aum", lines[0]);
        Assert.True(lines.Length > 1000);
        Assert.Contains(lines, l => l.Contains(",minority,", StringComparison.Ordinal));

        var table = CliHarness.Run("dynamics", study.StorePath);
        Assert.True(table.Exit == 0, table.Err);
        Assert.Contains("memorisation gap", table.Out);
    }

    [Fact]
    public void Given_a_store_without_that_study_When_either_command_runs_Then_it_exits_1_with_one_line()
    {
        foreach (var command in new[] { "findings", "dynamics" })
        {
            var (exit, _, stderr) = CliHarness.Run(command, study.StorePath, "--study", "nosuchstudy");
            Assert.Equal(1, exit);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("--study: no study 'nosuchstudy'", line);
        }
        var missing = CliHarness.Run("findings", Path.Combine(study.Dir, "nope.db"));
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no such store", missing.Err);
    }
}
