using ImbLab.Study;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Findings;

/// <summary>One tiny real study shared by the tests that read it: synthetic data, two protocols, IR 1/5/20, 3 seeds, 15 epochs.</summary>
public sealed class RealStudyFixture : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-findings-").FullName;

    public RealStudyFixture()
    {
        StorePath = Path.Combine(_dir, "imblab.db");
        var spec = new StudySpec
        {
            Data = ["synthetic:rows=800,d=4"],
            Protocols = ["subsample-minority", "fixed-n"],
            Irs = [1, 5, 20],
            Seeds = 3,
            Model = new ModelSpec { Hidden = [16], Epochs = 15 },
        };
        StudyId = StudyPipeline.Train(spec, StorePath, 2, null, CancellationToken.None).StudyId;
    }

    public string StorePath { get; }
    public string StudyId { get; }
    public string Dir => _dir;

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class RealStudyCollection : ICollectionFixture<RealStudyFixture>
{
    public const string Name = "real findings study";
}
