using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using ImbLab.Tests.Readers;
using Xunit;

namespace ImbLab.Tests.Core.Specs;

/// <summary>
/// Per-dataset imbalance ratios in a study file (a data entry {"path": ..., "irs": [...]}): read, written back, refused
/// when wrong with the file and the entry's field, and absent from the spec's JSON (so from its id) when unused.
/// </summary>
public sealed class DataIrsSpecTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-data-irs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string json)
    {
        var path = Path.Combine(_dir, "study.json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    private static string Pima => Path.Combine(ReaderFixtures.KeelCorpus(), "pima", "pima.dat").Replace('\\', '/');

    [Fact]
    public void Given_an_entry_with_irs_next_to_a_plain_path_When_read_Then_the_entry_has_its_irs_and_the_JSON_writes_it_back_as_given()
    {
        var spec = StudySpec.FromJsonFile(File($$"""{ "data": ["synthetic", { "path": "{{Pima}}", "irs": [2, 5, 10] }], "irs": [3] }"""));

        Assert.Equal(["synthetic", Pima], spec.Data);
        Assert.Equal([2.0, 5, 10], spec.IrsFor(Pima));
        Assert.Equal([3.0], spec.IrsFor("synthetic"));
        Assert.StartsWith($$"""{"name":"study","data":["synthetic",{"path":"{{Pima}}","irs":[2,5,10]}],"protocols":""", spec.ToJson());
    }

    [Fact]
    public void Given_an_entry_object_without_irs_When_read_Then_it_is_the_same_study_as_the_plain_path()
    {
        var plain = StudySpec.FromJsonFile(File($$"""{ "data": ["{{Pima}}"] }"""));
        var entry = StudySpec.FromJsonFile(File($$"""{ "data": [{ "path": "{{Pima}}" }] }"""));

        Assert.Equal(plain.ToJson(), entry.ToJson());
        Assert.Empty(entry.DataIrs);
    }

    /// <summary>
    /// Pins of ids made before per-dataset irs existed (by the build before them): the spec's JSON, hashed into the study
    /// id and through it into every run id, keeps "data" second and leaves the new field out. Data files are named in run
    /// configs as given, so the pins use synthetic data, the same on every machine.
    /// </summary>
    [Fact]
    public void Given_studies_without_per_dataset_irs_When_planned_Then_study_and_run_ids_are_those_of_before()
    {
        var standard = StudyPlan.Create(new StudySpec());
        Assert.Equal("2cde54961740edce", standard.StudyId);
        Assert.Equal("ac0cdcb69fffc01dadfd", standard.Runs.Single(r => r.Config is { Level: "ir=10", SeedIndex: 0 }).RunId);

        // study --data synthetic:rows=300,d=3 --protocol subsample-minority,fixed-n --ir 2,4 --seeds 2 --epochs 3 --hidden 8 --name pinned
        var pinned = StudyPlan.Create(new StudySpec
        {
            Name = "pinned", Data = ["synthetic:rows=300,d=3"], Protocols = ["subsample-minority", "fixed-n"], Irs = [2, 4], Seeds = 2,
            Model = new ModelSpec { Epochs = 3, Hidden = [8] },
        });
        Assert.Equal("d9cdaa6a80274b97", pinned.StudyId);
        Assert.Equal(["1ae404fb8e38493c06d4", "c2f1260eee4e263a2326", "b8119b10ff0c0d4c0555", "8f2f425b578abaa77c35"],
            pinned.Runs.Where(r => r.Config.SeedIndex == 0).Select(r => r.RunId));
    }

    [Theory]
    [InlineData("""{ "path": "P", "ir": [2] }""", "data[1]: unknown key 'ir' (did you mean 'irs'?); accepted keys: path, irs")]
    [InlineData("""{ "irs": [2] }""", "data[1]: no \"path\"")]
    [InlineData("""{ "path": null }""", "data[1].path: null is not a path")]
    [InlineData("""{ "path": "P", "irs": [0.5] }""", "data[1].irs: 0.5 is not a valid imbalance ratio; accepted: a number >= 1")]
    [InlineData("""{ "path": "P", "irs": [] }""", "data[1].irs: no imbalance ratio given")]
    [InlineData("""{ "path": "P", "irs": [5, 5] }""", "data[1].irs: 5 is listed twice")]
    [InlineData("""{ "path": "P", "irs": "feasible" }""", "data[1].irs: a string is not a list of imbalance ratios")]
    [InlineData("""{ "path": "P", "irs": null }""", "data[1].irs: null is not a list of imbalance ratios")]
    [InlineData("""{ "path": "P", "irs": ["10"] }""", "data[1].irs: a string is not an imbalance ratio")]
    [InlineData("""{ "path": "P", "irs": [1e400] }""", "data[1].irs: Infinity is not a valid imbalance ratio")]
    [InlineData("""{ "path": "P", "irs": [2], "irs": [3] }""", "data[1]: key 'irs' is given twice")]
    [InlineData("""7""", "data[1]: a number is not a data entry")]
    public void Given_a_bad_data_entry_When_the_study_file_is_read_Then_one_line_names_the_file_the_entry_and_what_is_accepted(string entry, string message)
    {
        var path = File($$"""{ "data": ["synthetic", {{entry.Replace("\"P\"", $"\"{Pima}\"", StringComparison.Ordinal)}}] }""");

        var e = Assert.Throws<UsageException>(() => StudySpec.FromJsonFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("""{ "data": [{ "path": "P", "irs": [2] }], "protocols": ["natural"] }""", "data[0].irs: 2 given, but protocols [natural] read no imbalance ratio")]
    [InlineData("""{ "data": [{ "path": "P", "irs": [2] }], "protocols": ["grid"], "grid": [{ "minority": 5, "majority": 50 }] }""", "data[0].irs: 2 given, but protocols [grid] read no imbalance ratio")]
    [InlineData("""{ "data": [{ "path": "P", "irs": [2] }], "irs": [3] }""", "irs: given, but every data entry has irs of its own")]
    [InlineData("""{ "data": [{ "path": "P", "irs": [2] }, "P"] }""", "is listed more than once, with irs")]
    public void Given_per_dataset_irs_that_no_run_would_use_When_the_study_file_is_read_Then_it_is_refused_naming_the_file_and_field(string json, string message)
    {
        var path = File(json.Replace("\"P\"", $"\"{Pima}\"", StringComparison.Ordinal));

        var e = Assert.Throws<UsageException>(() => StudySpec.FromJsonFile(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_spec_made_in_code_with_bad_per_dataset_irs_When_validated_Then_each_problem_names_the_entry()
    {
        var spec = new StudySpec
        {
            Data = ["synthetic", "other"],
            DataIrs = new Dictionary<string, IReadOnlyList<double>> { ["synthetic"] = [0], ["gone"] = [2] },
        };

        var problems = spec.Problems();

        Assert.Contains(problems, p => p.StartsWith("data[0].irs: 0 is not a valid imbalance ratio", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("data (gone): irs given for an entry that is not in data", StringComparison.Ordinal));
    }
}
