using System.Text.Json;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using Xunit;

namespace ImbLab.Tests.Cli;

/// <summary>
/// `--nominal` (and the study-file field `nominal`) reach the CSV reader, are part of a run's config when given, and
/// leave the JSON (so the ids) of every spec without them as it was.
/// </summary>
public sealed class NominalOptionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-nominal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The default spec's JSON and id as they were before `nominal` existed (pinned: a change here moves every study id).
    private const string DefaultSpecJson =
        "{\"name\":\"study\",\"data\":[\"synthetic\"],\"protocols\":[\"subsample-minority\"],\"irs\":[1,10,50,100],\"grid\":[],\"seeds\":5,\"seed\":0," +
        "\"split\":\"holdout\",\"model\":{\"hidden\":[64,64,64],\"activation\":\"relu\",\"epochs\":100,\"batch_size\":32,\"optimizer\":\"adam\"," +
        "\"learning_rate\":0.001,\"beta1\":0.9,\"beta2\":0.999,\"epsilon\":1E-08,\"momentum\":0.9,\"weight_decay\":0,\"early_epochs\":2}," +
        "\"impute\":false,\"label_column\":null,\"record_samples\":true,\"diagnostics\":{\"gradients\":true,\"gradient_schedule\":\"log\"," +
        "\"representations\":true,\"representation_rows\":400,\"record_activations\":false,\"dynamics_from\":\"eval\"}}";

    private string CodedCsv()
    {
        var file = Path.Combine(_dir, "coded.csv");
        File.WriteAllText(file, "x,grade,class\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"{i * 0.5},{1 + i % 3},{(i % 3 == 0 ? "a" : "b")}\n")));
        return file;
    }

    [Fact]
    public void Given_the_default_spec_Then_its_json_has_no_nominal_field_and_is_unchanged()
    {
        Assert.Equal(DefaultSpecJson, new StudySpec().ToJson());
    }

    [Fact]
    public void Given_nominal_columns_When_planned_Then_the_column_is_nominal_and_the_run_config_says_so()
    {
        var file = CodedCsv();
        var plain = StudyPlan.Create(new StudySpec { Data = [file], Protocols = ["natural"], Seeds = 1 });
        var spec = new StudySpec { Data = [file], Protocols = ["natural"], Seeds = 1, Nominal = ["grade"] };
        var plan = StudyPlan.Create(spec);

        Assert.Equal(ImbLab.Core.AttributeKind.Numeric, plain.Datasets[0].Whole.Attributes[1].Kind);
        Assert.DoesNotContain("\"nominal\":", plain.Runs[0].ConfigJson);
        Assert.Equal(ImbLab.Core.AttributeKind.Nominal, plan.Datasets[0].Whole.Attributes[1].Kind);
        Assert.Contains("\"nominal\":[\"grade\"]", plan.Runs[0].ConfigJson);
        Assert.Contains("\"nominal\":[\"grade\"]", spec.ToJson());
        Assert.NotEqual(plain.StudyId, plan.StudyId);
    }

    [Fact]
    public void Given_a_study_file_with_nominal_and_the_option_When_dry_run_Then_both_reach_the_reader()
    {
        var file = CodedCsv();
        var config = Path.Combine(_dir, "study.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new { data = new[] { file }, protocols = new[] { "natural" }, seeds = 1, nominal = new[] { "2" } }));
        Assert.Equal(["2"], StudySpec.FromJsonFile(config).Nominal);

        var (exit, stdout, stderr) = CliHarness.Run("study", "--config", config, "--dry-run", "--json", "--epochs", "2", "--hidden", "4");
        Assert.True(exit == 0, stderr);
        // x (1) + grade one-hot (3 levels) = 4 features.
        Assert.Equal(4, JsonDocument.Parse(stdout).RootElement.GetProperty("datasets")[0].GetProperty("features").GetInt32());

        var train = CliHarness.Run("train", "--data", file, "--nominal", "grade", "--epochs", "2", "--hidden", "4", "--json");
        Assert.True(train.Exit == 0, train.Err);
        Assert.Contains("\"nominal\": [", train.Out);
    }
}
