using ImbLab.Analysis.Findings;
using ImbLab.Core.Specs;
using ImbLab.Report;
using ImbLab.Store;
using ImbLab.Study;
using Xunit;

namespace ImbLab.Tests.Report;

/// <summary>The report's tests across datasets when every dataset has its own IR grid (a study file's per-dataset irs).</summary>
public sealed class AcrossDatasetsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-across-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_three_datasets_on_their_own_grids_When_the_model_is_built_Then_each_protocol_compares_every_dataset_s_lowest_and_highest_level()
    {
        // No level is shared by all three datasets, so the families of shared levels find too few datasets and were all
        // that the report had: the section said no family was measured on 3 datasets.
        string[] data = ["synthetic:rows=400,d=3", "synthetic:rows=300,d=2", "synthetic:rows=360,d=4"];
        var spec = new StudySpec
        {
            Name = "grids",
            Data = data,
            DataIrs = new Dictionary<string, IReadOnlyList<double>> { [data[0]] = [2, 4], [data[1]] = [3, 6], [data[2]] = [1, 5, 8] },
            Protocols = ["subsample-minority"],
            Seeds = 1,
            Model = new ModelSpec { Epochs = 3, Hidden = [8], BatchSize = 32 },
        };
        var store = Path.Combine(_dir, "s.db");
        var id = StudyPipeline.Train(spec, store, threads: 1, progress: null, CancellationToken.None).StudyId;
        using var study = StudyStore.Load(store, id);

        var model = ReportModel.Build(study, FindingsEngine.Compute(study), new ReportOptions());

        var family = Assert.Single(model.Across.Families);
        Assert.Equal("subsample-minority: each dataset's own lowest vs highest IR", family.Title);
        Assert.Equal(["lowest IR", "highest IR"], family.Conditions);
        Assert.Equal(3, family.Datasets);
        Assert.Equal(("lowest IR", "highest IR"), (family.Pairs[0].A, family.Pairs[0].B));
    }
}
