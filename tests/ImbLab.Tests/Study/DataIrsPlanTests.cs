using System.Text.Json.Nodes;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Study;

/// <summary>Plans with per-dataset imbalance ratios: each dataset's runs at its own levels, and the preset that uses them.</summary>
public sealed class DataIrsPlanTests
{
    private const string A = "synthetic:rows=400,d=3";
    private const string B = "synthetic:rows=300,d=2";

    private static StudySpec Spec(IReadOnlyList<double> irsOfB) => new()
    {
        Data = [A, B],
        DataIrs = new Dictionary<string, IReadOnlyList<double>> { [B] = irsOfB },
        Protocols = ["subsample-minority", "fixed-n"],
        Irs = [2, 4, 8],
        Seeds = 2,
        Model = new ModelSpec { Epochs = 2, Hidden = [8] },
    };

    [Fact]
    public void Given_a_dataset_with_its_own_irs_When_planned_Then_its_runs_are_at_its_levels_and_the_others_at_the_study_levels()
    {
        var plan = StudyPlan.Create(Spec([3, 6]));

        string[] Levels(string dataset, string protocol) =>
            [.. plan.Runs.Where(r => r.Config.Dataset.Source == dataset && r.Config.Protocol == protocol).Select(r => r.Config.Level).Distinct()];
        foreach (var protocol in new[] { "subsample-minority", "fixed-n" })
        {
            Assert.Equal(["ir=2", "ir=4", "ir=8"], Levels(A, protocol));
            Assert.Equal(["ir=3", "ir=6"], Levels(B, protocol));
        }
        Assert.Equal(2 * 2 * (3 + 2), plan.Runs.Count);
        Assert.Equal([A, B], plan.DatasetEntries);
        Assert.Equal([[2.0, 4, 8], [3.0, 6]], plan.DatasetEntries.Select(plan.Spec.IrsFor));
    }

    [Fact]
    public void Given_another_datasets_grid_changes_When_planned_Then_a_datasets_run_configs_differ_only_in_the_study_id()
    {
        // fixed-n holds N over the dataset's own levels: B's grid must not move A's targets, nor anything of A's configs
        // but the id of the study they belong to (a different study, as any change of the spec makes).
        var before = StudyPlan.Create(Spec([3, 6]));
        var after = StudyPlan.Create(Spec([3, 12]));

        static List<string> ConfigsOfA(StudyPlan plan) => [.. plan.Runs.Where(r => r.Config.Dataset.Source == A)
            .Select(r => { var json = JsonNode.Parse(r.ConfigJson)!.AsObject(); json.Remove("study_id"); return json.ToJsonString(); })];
        Assert.NotEqual(before.StudyId, after.StudyId);
        Assert.Equal(ConfigsOfA(before), ConfigsOfA(after));
        Assert.DoesNotContain(before.Runs, r => r.ConfigJson.Contains("irs", StringComparison.Ordinal));
        // B's fixed-n N does follow B's own grid: IR 12 needs a larger majority share.
        Assert.NotEqual(before.Runs.First(r => r.Config is { Protocol: "fixed-n", Level: "ir=3" } && r.Config.Dataset.Source == B).Config.TargetMajority,
            after.Runs.First(r => r.Config is { Protocol: "fixed-n", Level: "ir=3" } && r.Config.Dataset.Source == B).Config.TargetMajority);
    }

    [Fact]
    public void Given_a_dataset_whose_own_irs_it_cannot_reach_When_planned_leniently_Then_it_is_the_one_infeasible_request()
    {
        var infeasible = new List<InfeasibleRequest>();
        // 300 balanced rows, 120/120 in training: subsample-minority reaches at most IR 240.
        var plan = StudyPlan.Create(Spec([3, 500]), infeasible);

        var request = Assert.Single(infeasible, i => i.Protocol == "subsample-minority");
        Assert.Equal(B, request.Source);
        Assert.Contains("cannot reach IR 500", request.Message, StringComparison.Ordinal);
        Assert.Contains(plan.Runs, r => r.Config.Dataset.Source == A && r.Config.Protocol == "subsample-minority");
    }

    /// <summary>studies/keel-imbalance.json, planned from the repository: every dataset x protocol x level is feasible.</summary>
    [Fact]
    public void Given_the_keel_imbalance_preset_When_planned_Then_nothing_is_infeasible_and_every_dataset_runs_its_own_grid_of_at_least_3_levels()
    {
        var root = ReaderFixtures.RepositoryRoot();
        var file = StudySpec.FromJsonFile(Path.Combine(root, "studies", "keel-imbalance.json"));
        // The file's paths are relative to the repository root; the tests run elsewhere.
        string Rooted(string path) => Path.Combine(root, path);
        var spec = file with
        {
            Data = [.. file.Data.Select(Rooted)],
            DataIrs = file.DataIrs.ToDictionary(e => Rooted(e.Key), e => e.Value),
        };
        Assert.Equal(file.Data.Count, file.DataIrs.Count);
        Assert.Equal(["subsample-minority", "fixed-n"], file.Protocols);

        var infeasible = new List<InfeasibleRequest>();
        var plan = StudyPlan.Create(spec, infeasible);

        Assert.Empty(infeasible);
        Assert.Equal(file.Data.Count, plan.Datasets.Count);
        foreach (var (dataset, entry) in plan.Datasets.Zip(plan.DatasetEntries))
        {
            var irs = spec.DataIrs[entry];
            Assert.True(irs.Count >= 3, $"{dataset.Name}: {irs.Count} levels");
            foreach (var protocol in file.Protocols)
                Assert.Equal(irs.Count * file.Seeds, plan.Runs.Count(r => r.Dataset == dataset && r.Config.Protocol == protocol));
        }
    }
}
